package io.libra.results;

import java.io.File;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Executor side of {@link DirectFetchPlugin}: a Flight server in the executor JVM that serves the
 * result blocks this executor's tasks stored ({@link ResultBlocks}) to the client holding a valid
 * {@link DirectTicket}, so the result bytes never pass through the gateway.
 *
 * <p>{@code DoGet(ticket)} ({@link #getStream}): the ticket's signature and expiry are checked
 * before anything else (UNAUTHENTICATED otherwise); the endpoint's blocks come from the driver's
 * {@link DirectStream} as the result's tasks store them, are read from the local BlockManager
 * ({@code getLocalBytes}), their Arrow payloads sent as record batches under gRPC backpressure,
 * and each block removed once sent. The tasks of this executor report their blocks through
 * {@link #published}. Every other Flight call is UNIMPLEMENTED. No session, no authentication beyond the ticket: the ticket is the
 * credential, handed out only by the gateway to the statement's session.
 */
public final class ExecutorResultServer extends NoOpFlightProducer implements ExecutorPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorResultServer.class);
  static final String SECRET_KEY = "ticket.secret";
  static final String ADVERTISE_KEY = "advertise-host";
  static final String BIND_KEY = "bind-host";
  static final String PORT_KEY = "port";
  /**
   * Largest request message (bytes): a ticket is a few KiB (its block names grow by ~50 bytes
   * per 8 MiB block), so 4 MiB leaves room; gRPC refuses larger ones with RESOURCE_EXHAUSTED
   * before they are buffered (Arrow's default, unbounded, let two 300 MB tickets exhaust an
   * executor's heap).
   */
  static final int MAX_REQUEST_BYTES = 4 << 20;
  /** Ports tried after the configured one (several executors on one host), as Spark's own. */
  static final int PORT_RETRIES = 16;
  static final String CERT_KEY = "tls.cert-file";
  static final String KEY_KEY = "tls.key-file";

  /** This JVM's server, for the tasks' block reports ({@link #published}). */
  private static volatile ExecutorResultServer current;

  private byte[] secret;
  private volatile PluginContext plugin;
  private volatile String executorId;
  private BufferAllocator allocator;
  private FlightServer server;

  /**
   * Starts the server and reports it. Never throws: a plugin whose init fails would fail the
   * executor's start (and Spark would launch executors in a loop); on any failure the executor
   * runs without a result server and the gateway serves its results.
   */
  @Override
  public void init(PluginContext ctx, Map<String, String> extraConf) {
    try {
      start(ctx, extraConf);
    } catch (Throwable e) {
      LOG.error("executor result server not started: {}", e.toString());
    }
  }

  /**
   * The executor's host as Spark knows it: its BlockManager's (the host the executor was started
   * with), else Spark's local host name. ({@code PluginContext.hostname()} fails on executors,
   * whose RPC environment has no server address.)
   */
  private static String executorHost() {
    try {
      return SparkEnv.get().blockManager().blockManagerId().host();
    } catch (RuntimeException e) {
      return org.apache.spark.util.Utils.localHostName();
    }
  }

  private void start(PluginContext ctx, Map<String, String> extraConf) {
    plugin = ctx;
    executorId = ctx.executorID();
    secret = Base64.getDecoder().decode(extraConf.get(SECRET_KEY));
    String advertise = extraConf.getOrDefault(ADVERTISE_KEY, "");
    String host = advertise.isEmpty() ? executorHost()
        : advertise.replace("{host}", executorHost());
    String bindHost = extraConf.getOrDefault(BIND_KEY, "");
    String bind = bindHost.isEmpty() ? executorHost() : bindHost;
    String cert = extraConf.getOrDefault(CERT_KEY, "");
    boolean tls = !cert.isEmpty();
    int port = Integer.parseInt(extraConf.getOrDefault(PORT_KEY, "0"));
    allocator = new RootAllocator(Long.MAX_VALUE);
    for (int attempt = 0; server == null; attempt++) {
      int p = port == 0 ? 0 : port + attempt;
      try {
        FlightServer.Builder b = FlightServer.builder(allocator,
            tls ? Location.forGrpcTls(bind, p) : Location.forGrpcInsecure(bind, p), this)
            .maxInboundMessageSize(MAX_REQUEST_BYTES);
        if (tls) {
          b.useTls(new File(cert), new File(extraConf.get(KEY_KEY)));
        }
        server = b.build().start();
      } catch (Exception e) {
        if (port != 0 && attempt < PORT_RETRIES && e instanceof java.io.IOException) {
          continue; // taken (another executor on this host): the next port
        }
        allocator.close();
        // The executor runs on; the gateway serves this executor's results itself.
        LOG.error("could not start the executor result server on {}:{}: {}", bind, p,
            e.toString());
        return;
      }
    }
    current = this;
    try {
      ctx.send(new ExecutorEndpoints.Address(ctx.executorID(), host, server.getPort(), tls,
          !advertise.isEmpty()));
    } catch (Exception e) {
      LOG.error("could not report the executor result server to the driver: {}", e.toString());
    }
    LOG.info("executor {} serves result blocks at {}:{} ({})", ctx.executorID(), host,
        server.getPort(), tls ? "TLS" : "plaintext");
  }

  @Override
  public void shutdown() {
    current = null;
    try {
      if (server != null) {
        server.shutdown();
        server.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        server.close();
      }
    } catch (Exception e) {
      LOG.warn("executor result server did not stop cleanly: {}", e.toString());
    }
    if (allocator != null) {
      allocator.close();
    }
  }

  /**
   * Reports a block a task of this executor stored to the driver's {@link DirectStream}
   * (asynchronously, {@code PluginContext.send}): its endpoint can stream it before the task
   * ends. Without a result server here nothing is sent (the task's result lists the block).
   */
  static void published(String streamId, int partition, int attempt, ResultBlocks.BlockRef ref) {
    ExecutorResultServer s = current;
    if (s == null || s.plugin == null) {
      return;
    }
    try {
      s.plugin.send(new DirectStream.Published(streamId, partition, attempt,
          SparkEnv.get().executorId(), ref));
    } catch (Exception e) {
      LOG.warn("could not report result block {}: {}", ref.name(), e.toString());
    }
    taskProgress();
  }

  /**
   * A task of this executor stored a block or ended: wakes the streams waiting for blocks, so
   * they poll the driver now rather than at their next timed poll (the report, sent before,
   * reaches the driver's plugin endpoint first: one connection, one inbox).
   */
  static void taskProgress() {
    synchronized (PROGRESS) {
      progress++;
      PROGRESS.notifyAll();
    }
  }

  private static final Object PROGRESS = new Object();
  private static long progress;

  /** Waits up to {@code millis} for {@link #taskProgress} after {@code seen}; the count now. */
  private static long awaitProgress(long seen, long millis) throws InterruptedException {
    synchronized (PROGRESS) {
      if (progress == seen) {
        PROGRESS.wait(millis);
      }
      return progress;
    }
  }

  private static long progressNow() {
    synchronized (PROGRESS) {
      return progress;
    }
  }

  /**
   * {@code DoGet}: checks the ticket (UNAUTHENTICATED), that it is this executor's endpoint
   * (NOT_FOUND), then asks the driver for the endpoint's blocks ({@link DirectStream.Poll}, which
   * also claims the endpoint: a second reader is NOT_FOUND) and streams each as it is stored,
   * polling again as soon as a task of this executor stored a block or ended, else after a wait
   * growing from 5 to 100 ms (blocks of other executors, the job's end), until the job is done.
   * A block of this executor is read from the local BlockManager and removed once sent; one of
   * an executor without an endpoint is fetched remotely. A failed or cancelled statement ends
   * the stream with the status the gateway gave it.
   */
  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    DirectTicket t;
    try {
      t = DirectTicket.verify(secret, ticket.getBytes(), System.currentTimeMillis());
    } catch (DirectTicket.InvalidTicketException e) {
      listener.error(CallStatus.UNAUTHENTICATED.withDescription(e.getMessage())
          .toRuntimeException());
      return;
    }
    if (!t.executorId().equals(executorId)) {
      listener.error(CallStatus.NOT_FOUND.withDescription("this ticket's endpoint is executor "
          + t.executorId() + "'s, this is executor " + executorId + " (use the endpoint's"
          + " location)").toRuntimeException());
      return;
    }
    boolean claimed = false; // this DoGet holds the endpoint: its end is reported
    try (BufferAllocator child = allocator.newChildAllocator("direct-" + t.streamId(), 0,
            Long.MAX_VALUE);
        VectorSchemaRoot root = VectorSchemaRoot.create(t.schema(), child)) {
      long seen = progressNow(); // before each poll: progress after it wakes the wait below
      DirectStream.Batch batch = poll(new DirectStream.Poll(t.streamId(), executorId, 0, true));
      if (batch.notFound() != null) {
        listener.error(CallStatus.NOT_FOUND.withDescription(batch.notFound())
            .toRuntimeException());
        return; // not ours (read by another DoGet, or dropped): nothing to report
      }
      claimed = true;
      listener.start(root);
      ReadyGate gate = new ReadyGate(new FlightStreamSink(listener), () -> { });
      VectorLoader loader = new VectorLoader(root);
      BlockManager bm = SparkEnv.get().blockManager();
      long waitMillis = MIN_POLL_WAIT_MILLIS;
      while (true) {
        if (batch.failure() != null) {
          listener.error(statusOf(batch.failure()).toRuntimeException());
          return;
        }
        if (batch.notFound() != null) {
          listener.error(CallStatus.NOT_FOUND.withDescription(batch.notFound())
              .toRuntimeException());
          return;
        }
        for (DirectStream.Block block : batch.blocks()) {
          if (block.ref() == null) {
            continue; // withdrawn: a failed attempt's block
          }
          List<byte[]> payloads = read(bm, block);
          if (payloads == null) {
            listener.error(CallStatus.NOT_FOUND.withDescription("result block "
                + block.ref().name() + " is not on this executor (dropped when its statement"
                + " ended or expired)").toRuntimeException());
            return;
          }
          for (byte[] p : payloads) {
            gate.awaitReady();
            try (ArrowRecordBatch b = ArrowResultStream.readBatch(p, child)) {
              loader.load(b);
            }
            listener.putNext();
          }
        }
        if (batch.done()) {
          break;
        }
        if (batch.blocks().isEmpty()) {
          if (listener.isCancelled()) {
            throw new ArrowResultStream.ClientCancelledException();
          }
          // progress since the poll was asked (seen before it) wakes this at once
          waitMillis = awaitProgress(seen, waitMillis) != seen ? MIN_POLL_WAIT_MILLIS
              : Math.min(MAX_POLL_WAIT_MILLIS, waitMillis * 2);
        } else {
          waitMillis = MIN_POLL_WAIT_MILLIS;
        }
        seen = progressNow();
        batch = poll(new DirectStream.Poll(t.streamId(), executorId, batch.next(), false));
      }
      listener.completed();
    } catch (ArrowResultStream.ClientCancelledException e) {
      listener.error(CallStatus.CANCELLED.withDescription("the client cancelled the stream")
          .toRuntimeException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      listener.error(CallStatus.UNAVAILABLE.withDescription("the executor is stopping")
          .toRuntimeException());
    } catch (Exception e) {
      LOG.warn("direct fetch of result {} failed: {}", t.streamId(), e.toString());
      listener.error(CallStatus.INTERNAL.withDescription("reading result blocks failed: "
          + e.getMessage()).withCause(e).toRuntimeException());
    } finally {
      try {
        if (claimed) {
          plugin.send(new DirectStream.Closed(t.streamId(), executorId));
        }
      } catch (Exception e) {
        LOG.warn("could not report the end of a stream of result {}: {}", t.streamId(),
            e.toString());
      }
    }
  }

  /** Shortest and longest wait between two polls while no task of this executor progresses. */
  private static final long MIN_POLL_WAIT_MILLIS = 5;
  private static final long MAX_POLL_WAIT_MILLIS = 100;

  private DirectStream.Batch poll(DirectStream.Poll p) throws Exception {
    Object answer = plugin.ask(p);
    if (!(answer instanceof byte[] b)) {
      throw new IllegalStateException("the driver answered a poll with " + answer);
    }
    return DirectStream.Batch.fromBytes(b);
  }

  /** A failed result's status as the gateway gave it (code, message, trailers). */
  private static CallStatus statusOf(DirectStream.Failure f) {
    org.apache.arrow.flight.FlightStatusCode code;
    try {
      code = org.apache.arrow.flight.FlightStatusCode.valueOf(f.code());
    } catch (IllegalArgumentException e) {
      code = org.apache.arrow.flight.FlightStatusCode.INTERNAL;
    }
    org.apache.arrow.flight.ErrorFlightMetadata metadata =
        new org.apache.arrow.flight.ErrorFlightMetadata();
    f.trailers().forEach(metadata::insert);
    return new CallStatus(code, null, f.message(), metadata);
  }

  /**
   * A queued block's payloads: from the local BlockManager (then removed), or fetched from the
   * executor holding it ({@link ResultBlocks#fetch}, which removes it); null when it is gone.
   */
  private List<byte[]> read(BlockManager bm, DirectStream.Block block) throws Exception {
    BlockId id = BlockId.apply(block.ref().name());
    if (executorId.equals(block.executorId())) {
      List<byte[]> payloads = readLocal(bm, id, block.ref().payloads());
      if (payloads != null) {
        bm.removeBlock(id, true);
      }
      return payloads;
    }
    try {
      return ResultBlocks.fetch(block.ref());
    } catch (java.io.IOException gone) {
      return null;
    }
  }

  /** The payloads of local block {@code id}, or null when this executor does not hold it. */
  private static List<byte[]> readLocal(BlockManager bm, BlockId id, int payloads)
      throws java.io.IOException {
    Option<BlockData> local = bm.getLocalBytes(id);
    if (local.isEmpty()) {
      return null;
    }
    try {
      return ResultBlocks.payloads(local.get(), payloads);
    } finally {
      local.get().dispose();
      bm.releaseLock(id, Option.empty());
    }
  }

  /** A Flight {@code DoGet} listener seen as the {@link ResultSink} {@link ReadyGate} waits on. */
  private record FlightStreamSink(ServerStreamListener listener) implements ResultSink {
    @Override
    public void start(VectorSchemaRoot root) {
      listener.start(root);
    }

    @Override
    public void putNext() {
      listener.putNext();
    }

    @Override
    public void completed() {
      listener.completed();
    }

    @Override
    public boolean isReady() {
      return listener.isReady();
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
      listener.setOnReadyHandler(handler);
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
      listener.setOnCancelHandler(handler);
    }

    @Override
    public boolean isCancelled() {
      return listener.isCancelled();
    }
  }
}
