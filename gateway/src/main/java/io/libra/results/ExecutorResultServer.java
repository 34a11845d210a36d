package io.libra.results;

import java.io.File;
import java.nio.ByteBuffer;
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
 * <p>{@code DoGet(ticket)}: the ticket's signature and expiry are checked before any block is
 * touched (UNAUTHENTICATED otherwise); its blocks are read from the local BlockManager
 * ({@code getLocalBytes}) in order (NOT_FOUND when one is not here: read already, swept after
 * its statement ended, or stored by another executor), each block's Arrow payloads sent as
 * record batches under gRPC backpressure, and each block removed once sent. Every other Flight
 * call is UNIMPLEMENTED. No session, no authentication beyond the ticket: the ticket is the
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

  private byte[] secret;
  /**
   * Endpoints being read or read but cut short (by their first block): a second DoGet of the
   * same ticket is NOT_FOUND, also while the first still streams. A fully read endpoint leaves
   * the set (its blocks are gone, so it is NOT_FOUND anyway).
   */
  private final java.util.Set<String> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();
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
    BlockManager bm = SparkEnv.get().blockManager();
    String claim = t.blocks().isEmpty() ? t.streamId() : t.blocks().get(0);
    if (!claimed.add(claim)) {
      listener.error(CallStatus.NOT_FOUND.withDescription("this endpoint of result "
          + t.streamId() + " is read already (each endpoint is read once)").toRuntimeException());
      return;
    }
    boolean whole = false;
    try (BufferAllocator child = allocator.newChildAllocator("direct-" + t.streamId(), 0,
            Long.MAX_VALUE);
        VectorSchemaRoot root = VectorSchemaRoot.create(t.schema(), child)) {
      ReadyGate gate = new ReadyGate(new FlightStreamSink(listener), () -> { });
      VectorLoader loader = new VectorLoader(root);
      boolean started = false;
      for (int i = 0; i < t.blocks().size(); i++) {
        BlockId id = BlockId.apply(t.blocks().get(i));
        List<byte[]> payloads = readLocal(bm, id, t.payloads().get(i));
        if (payloads == null) {
          listener.error(CallStatus.NOT_FOUND.withDescription("result block " + id.name()
              + " is not on this executor (read already, dropped when its statement ended or"
              + " expired, or its executor was replaced)").toRuntimeException());
          return;
        }
        if (!started) {
          listener.start(root);
          started = true;
        }
        for (byte[] p : payloads) {
          gate.awaitReady();
          try (ArrowRecordBatch batch = ArrowResultStream.readBatch(p, child)) {
            loader.load(batch);
          }
          listener.putNext();
        }
        bm.removeBlock(id, true);
      }
      if (!started) {
        listener.start(root);
      }
      listener.completed();
      whole = true;
    } catch (ArrowResultStream.ClientCancelledException e) {
      listener.error(CallStatus.CANCELLED.withDescription("the client cancelled the stream")
          .toRuntimeException());
    } catch (Exception e) {
      LOG.warn("direct fetch of result {} failed: {}", t.streamId(), e.toString());
      listener.error(CallStatus.INTERNAL.withDescription("reading result blocks failed: "
          + e.getMessage()).withCause(e).toRuntimeException());
    } finally {
      if (whole) {
        claimed.remove(claim);
      }
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
      ByteBuffer buffer = local.get().toByteBuffer();
      return ResultBlocks.split(buffer, payloads);
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
