package io.libra.flight;

import io.libra.config.LibraConfig;
import io.libra.operation.SqlBackend;
import io.libra.results.ArrowResultStream;
import io.libra.results.ResultSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.classic.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flight SQL server: binds {@code libra.server.host:port}, runs Flight calls on a bounded
 * executor, and owns the root Arrow allocator (closed last; its allocated bytes must be 0 then).
 */
public final class LibraServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LibraServer.class);

  private final BufferAllocator rootAllocator;
  private final SqlBackend backend;
  private final FlightServer server;
  private final ExecutorService executor;

  private LibraServer(BufferAllocator rootAllocator, SqlBackend backend, FlightServer server,
      ExecutorService executor) {
    this.rootAllocator = rootAllocator;
    this.backend = backend;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code session} with the settings of {@code config}.
   *
   * @throws IOException when the port cannot be bound
   */
  public static LibraServer start(LibraConfig config, SparkSession session) throws IOException {
    BufferAllocator root = new RootAllocator(Long.MAX_VALUE);
    ResultSettings resultSettings = new ResultSettings(
        config.get(LibraConfig.MAX_RECORDS_PER_BATCH), config.get(LibraConfig.MAX_BATCH_BYTES),
        config.get(LibraConfig.PREFETCH_PARTITIONS), config.get(LibraConfig.MAX_BUFFERED_BYTES));
    SqlBackend backend = new SqlBackend(session.newSession(),
        new ArrowResultStream(resultSettings),
        Duration.ofSeconds(config.get(LibraConfig.TICKET_TTL_SECONDS)));
    int threads = config.get(LibraConfig.SERVER_THREADS);
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(threads * 4), namedThreads("libra-flight-"),
        new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    Location location = Location.forGrpcInsecure(config.get(LibraConfig.SERVER_HOST),
        config.get(LibraConfig.SERVER_PORT));
    FlightServer server = FlightServer.builder(root, location,
            new LibraFlightSqlProducer(backend, root))
        .executor(executor)
        .build();
    try {
      server.start();
    } catch (IOException e) {
      executor.shutdownNow();
      root.close();
      throw new IOException("cannot bind Flight SQL server to " + location.getUri() + ": "
          + e.getMessage(), e);
    }
    LOG.info("Flight SQL server listening on {}:{}", config.get(LibraConfig.SERVER_HOST),
        server.getPort());
    return new LibraServer(root, backend, server, executor);
  }

  private static ThreadFactory namedThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.getPort();
  }

  public SqlBackend backend() {
    return backend;
  }

  /** Bytes currently allocated by all streams and metadata calls. */
  public long allocatedBytes() {
    return rootAllocator.getAllocatedMemory();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws Exception {
    server.shutdown();
    if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
      server.close();
    }
    executor.shutdownNow();
    rootAllocator.close();
  }
}
