package io.libra.results;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Driver side of one executor-direct result while its Spark job runs and its endpoints are read:
 * which stored result blocks each endpoint streams, in what order, and whether more will come.
 * The FlightInfo lists one endpoint per executor before the job starts; as each task stores a
 * block it reports it ({@link Published}, sent from the task), the block joins the queue of the
 * endpoint of the executor that stored it (or, for an executor without an endpoint in this
 * result, of the endpoint with the shortest queue, which reads it remotely), and the endpoint's
 * result server picks it up on its next {@link Poll}. Each task's result names all its blocks
 * again ({@link #partitionDone}), so a report that comes late or never changes nothing; the queue
 * is final once the job has succeeded ({@link #ended}).
 *
 * <p>Retried tasks: the first attempt that reports a block owns its partition. When the
 * partition's result comes from another attempt, the owner's queued, not yet handed-out blocks
 * are withdrawn and the winner's blocks take their place on the same endpoint; if some of the
 * owner's blocks were handed out already (their rows may have reached the client) and that
 * endpoint's executor is alive, the result fails ({@code ABORTED}: run the statement again)
 * rather than send a row twice. An endpoint whose executor was lost fails on its own
 * (UNAVAILABLE at the client); its partitions' later attempts join its dead queue and the other
 * endpoints are not affected.
 *
 * <p>Each endpoint is read once: its first poll claims it. Thread-safe (Spark's RPC threads for
 * polls and reports, the scheduler's thread for task results, the statement's thread for the
 * job's end).
 */
final class DirectStream {
  /** A block a running task stored (task → driver plugin, {@code PluginContext.send}). */
  record Published(String streamId, int partition, int attempt, String executorId,
      ResultBlocks.BlockRef ref) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * An endpoint's result server asks for its blocks from queue position {@code from}
   * ({@code PluginContext.ask}); {@code open}: its first poll, which claims the endpoint.
   */
  record Poll(String streamId, String endpoint, int from, boolean open) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** The server ended the stream of the endpoint it claimed (read whole or cut short). */
  record Closed(String streamId, String endpoint) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A queued block and the executor holding it; {@code ref} null: withdrawn, skip it. */
  record Block(ResultBlocks.BlockRef ref, String executorId) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Why a result failed, as the Flight status its endpoints' DoGets end with: the status code's
   * name ({@code CallStatus.code()}), its description and its metadata (gRPC trailers: error
   * class, SQLSTATE), as the gateway would have answered the statement.
   */
  record Failure(String code, String message, Map<String, byte[]> trailers)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The answer to a {@link Poll}: {@code blocks} from the asked position on, {@code next} the
   * position to ask from next; {@code done}: no block will follow; {@code failure} or
   * {@code notFound} (a message): stop with that status.
   */
  record Batch(List<Block> blocks, int next, boolean done, Failure failure, String notFound)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    static Batch notFound(String message) {
      return new Batch(List.of(), 0, false, null, message);
    }

    /**
     * Java-serialized, as the RPC reply: Spark's RPC deserializes replies on the executor with
     * its system class loader, which does not see this jar (shipped in {@code spark.jars}); a
     * reply of one of its classes fails the executor's driver connection, and the executor
     * exits. A {@code byte[]} passes, read back with {@link #fromBytes}.
     */
    byte[] toBytes() {
      java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(buffer)) {
        out.writeObject(this);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return buffer.toByteArray();
    }

    /** A {@link #toBytes} reply, its classes resolved by this jar's class loader. */
    static Batch fromBytes(byte[] bytes) throws java.io.IOException, ClassNotFoundException {
      ClassLoader loader = Batch.class.getClassLoader();
      try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
          new java.io.ByteArrayInputStream(bytes)) {
        @Override
        protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
            throws java.io.IOException, ClassNotFoundException {
          try {
            return Class.forName(desc.getName(), false, loader);
          } catch (ClassNotFoundException e) {
            return super.resolveClass(desc);
          }
        }
      }) {
        return (Batch) in.readObject();
      }
    }
  }

  private record Owner(int attempt, String endpoint, List<Integer> positions) {}

  final String id;
  private final List<String> endpoints;
  private final Predicate<String> alive;
  private final Map<String, List<Block>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> handedOut = new HashMap<>();
  private final Set<String> claimed = new HashSet<>();
  private final Set<String> finished = new HashSet<>();
  private final Map<Integer, Owner> owners = new HashMap<>();
  private final Set<Integer> resolved = new HashSet<>();
  private final Set<String> queuedNames = new HashSet<>();
  private boolean succeeded;
  private Failure failure;

  /**
   * @param endpoints the executor ids of the FlightInfo's endpoints, in its order
   * @param alive whether an executor is still registered with the driver
   */
  DirectStream(String id, List<String> endpoints, Predicate<String> alive) {
    this.id = id;
    this.endpoints = List.copyOf(endpoints);
    this.alive = alive;
    for (String e : endpoints) {
      queues.put(e, new ArrayList<>());
      handedOut.put(e, 0);
    }
  }

  /** A running task's block. */
  synchronized void published(int partition, int attempt, String executorId,
      ResultBlocks.BlockRef ref) {
    if (resolved.contains(partition) || failure != null) {
      return; // its task's result came first and listed it
    }
    Owner owner = owners.computeIfAbsent(partition,
        p -> new Owner(attempt, endpointFor(executorId), new ArrayList<>()));
    if (owner.attempt() == attempt) {
      enqueue(owner, ref, executorId);
    } // another attempt's: decided when the partition's result comes (partitionDone)
  }

  /** Partition {@code partition}'s task succeeded (attempt {@code attempt}) with these blocks. */
  synchronized void partitionDone(int partition, int attempt, String executorId,
      ResultBlocks.BlockRef[] refs) {
    if (!resolved.add(partition) || failure != null) {
      return;
    }
    Owner owner = owners.get(partition);
    if (owner != null && owner.attempt() != attempt) {
      String endpoint = owner.endpoint();
      int handed = handedOut.get(endpoint);
      List<Block> queue = queues.get(endpoint);
      boolean sent = false;
      for (int pos : owner.positions()) {
        if (pos < handed) {
          sent = true;
        } else {
          // withdrawn: the stream's sweep removes the block (ResultBlocks.sweep)
          queue.set(pos, new Block(null, null));
        }
      }
      if (sent && alive.test(endpoint)) {
        failure = new Failure("ABORTED", "result partition " + partition + " was computed again"
            + " (its task's attempt " + owner.attempt() + " failed) after part of it had been"
            + " sent; run the statement again", Map.of());
        return;
      }
      owner = new Owner(attempt, endpoint, new ArrayList<>());
      owners.put(partition, owner);
    } else if (owner == null) {
      owner = new Owner(attempt, endpointFor(executorId), new ArrayList<>());
      owners.put(partition, owner);
    }
    for (ResultBlocks.BlockRef r : refs) {
      enqueue(owner, r, executorId);
    }
  }

  /** The job ended: {@code failed} null when it succeeded (every partition's result is in). */
  synchronized void ended(Failure failed) {
    if (failed == null) {
      succeeded = true;
    } else if (failure == null) {
      failure = failed;
    }
  }

  /** The answer to an endpoint's poll. */
  synchronized Batch poll(Poll p) {
    if (!queues.containsKey(p.endpoint())) {
      return Batch.notFound("result " + id + " has no endpoint at executor " + p.endpoint());
    }
    if (p.open() && !claimed.add(p.endpoint())) {
      return Batch.notFound("this endpoint of result " + id + " is read already (each endpoint"
          + " is read once)");
    }
    if (failure != null) {
      return new Batch(List.of(), p.from(), false, failure, null);
    }
    List<Block> queue = queues.get(p.endpoint());
    int from = Math.min(Math.max(p.from(), 0), queue.size());
    List<Block> out = List.copyOf(queue.subList(from, queue.size()));
    handedOut.merge(p.endpoint(), queue.size(), Math::max);
    return new Batch(out, queue.size(), succeeded, null, null);
  }

  /** An endpoint's stream ended. */
  synchronized void closed(String endpoint) {
    finished.add(endpoint);
  }

  /** Whether some endpoint is being read now (claimed, not ended). */
  synchronized boolean reading() {
    for (String e : claimed) {
      if (!finished.contains(e)) {
        return true;
      }
    }
    return false;
  }

  /** Whether nothing more will happen: the job ended and every endpoint was read. */
  synchronized boolean complete() {
    return (succeeded || failure != null) && finished.containsAll(endpoints);
  }

  private void enqueue(Owner owner, ResultBlocks.BlockRef ref, String executorId) {
    if (ref.name() == null || !queuedNames.add(ref.name())) {
      return;
    }
    List<Block> queue = queues.get(owner.endpoint());
    owner.positions().add(queue.size());
    queue.add(new Block(ref, executorId));
  }

  /**
   * The endpoint of a block stored on {@code executorId}: that executor's, else the one with the
   * shortest queue among live executors (an executor that joined after the FlightInfo was sent).
   */
  private String endpointFor(String executorId) {
    if (queues.containsKey(executorId)) {
      return executorId;
    }
    String best = null;
    for (String e : endpoints) {
      if (alive.test(e) && (best == null || queues.get(e).size() < queues.get(best).size())) {
        best = e;
      }
    }
    return best != null ? best : endpoints.get(0);
  }
}
