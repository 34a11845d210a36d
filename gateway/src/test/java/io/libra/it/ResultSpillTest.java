package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Result blocks on disk are bounded too ({@code libra.results.max-spill-bytes}, per statement, and
 * {@code libra.results.max-spill-bytes-total}, per executor): a client that pauses its stream makes
 * the tasks producing its result wait instead of filling the gateway's disk (with a local master
 * the blocks are the gateway's files), and every block is gone soon after it disconnects. Disk use
 * is measured on the file system: the BlockManager's files of Libra's result blocks.
 */
class ResultSpillTest {
  private static final long SPILL = 64L << 20;
  /** Two partitions of about 5 GB of Arrow data each: far more than any budget here. */
  private static final String LARGE =
      "SELECT id, repeat('x', 500) AS s FROM range(0, 20000000, 1, 2)";
  private static LibraServer server;
  private static LibraServer tight;
  private static RootAllocator allocator;
  private static JobRecorder jobs;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("libra-spill-");
    server = LibraServer.start(LibraConfig.load(dir, dir, Map.of(), Map.of(
        "libra.server.port", "0", "libra.work-dir", dir.toString(),
        "libra.results.prefetch-partitions", "2",
        "libra.results.max-spill-bytes", Long.toString(SPILL))), TestGateway.get().spark);
    Path dir2 = Files.createTempDirectory("libra-spill-total-");
    tight = LibraServer.start(LibraConfig.load(dir2, dir2, Map.of(), Map.of(
        "libra.server.port", "0", "libra.work-dir", dir2.toString(),
        "libra.results.max-spill-bytes-total", Long.toString(24L << 20),
        "libra.results.spill-wait-seconds", "2")), TestGateway.get().spark);
    allocator = new RootAllocator();
    jobs = new JobRecorder(TestGateway.get().spark.sparkContext());
  }

  @AfterAll
  static void stop() throws Exception {
    jobs.close();
    allocator.close();
    server.close();
    tight.close();
  }

  /** Bytes of Libra result-block files in the BlockManager's local directories. */
  static long resultBlockFileBytes() {
    long total = 0;
    for (File dir : SparkEnv.get().blockManager().diskBlockManager().localDirs()) {
      try (var files = Files.walk(dir.toPath())) {
        total += files.filter(p -> p.getFileName().toString().startsWith("test_libra_"))
            .mapToLong(p -> p.toFile().length()).sum();
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        // a file removed while walking: counted as gone
      }
    }
    return total;
  }

  private static long awaitFileBytesAtMost(long bytes, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long now;
    while ((now = resultBlockFileBytes()) > bytes && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return now;
  }

  @Test
  void aPausedClientHoldsAtMostTheSpillBudgetAndNothingAfterItDisconnects() throws Exception {
    long baseline = awaitFileBytesAtMost(0, 10_000);
    // A channel of its own, so the test can drop the connection as a crashing client would.
    io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder
        .forAddress("127.0.0.1", server.port()).usePlaintext().build();
    // Its own allocator too: the client's last batch stays allocated when its connection dies.
    RootAllocator clientMemory = new RootAllocator();
    FlightClient raw = FlightGrpcUtils.createFlightClient(clientMemory, channel);
    FlightSqlClient sql = new FlightSqlClient(raw);
    FlightInfo info = sql.execute(LARGE);
    FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket());
    assertTrue(stream.next(), "a first batch");
    assertEquals(2, stream.getRoot().getFieldVectors().size());
    // The client pauses: gRPC's window fills, the gateway stops sending, the tasks go on
    // converting until the budget is reached, then wait.
    long peak = 0;
    long pauseEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
    while (System.nanoTime() < pauseEnd) {
      peak = Math.max(peak, resultBlockFileBytes() - baseline);
      Thread.sleep(100);
    }
    assertTrue(peak <= SPILL, "result blocks on disk while paused: " + peak + " bytes, budget "
        + SPILL);
    assertTrue(peak >= 8L << 20, "the tasks stored blocks while paused: " + peak);
    assertEquals(1, jobs.runningWithTag("libra-").size(), "its job waits, it is not cancelled");
    // It reads on: more batches come, the result is not cut.
    for (int i = 0; i < 50; i++) {
      assertTrue(stream.next());
    }
    long t0 = System.nanoTime();
    channel.shutdownNow(); // the client goes away without a word
    long left = awaitFileBytesAtMost(baseline, 5_000);
    assertTrue(left <= baseline, "result blocks left 5 s after the disconnect: " + left);
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(6));
    jobs.awaitLibraJobs(0, 10);
    try {
      stream.close();
      raw.close();
      clientMemory.close();
    } catch (Exception e) {
      // its connection is gone: the client may hold its last batch
    }
    TestGateway.awaitAllocatorReleased(server);
  }

  @Test
  void noRoomUnderTheTotalWithinTheWaitIsResourceExhaustedNamingTheSetting() throws Exception {
    try (FlightClient raw = FlightClient.builder(allocator,
            Location.forGrpcInsecure("127.0.0.1", tight.port())).build();
        FlightSqlClient sql = new FlightSqlClient(raw)) {
      FlightInfo info = sql.execute(LARGE);
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> {
        try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket())) {
          assertTrue(stream.next());
          Thread.sleep(6_000); // paused past the 2 s wait
          while (stream.next()) {
            // the batches sent before the failure
          }
        }
      });
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, e.status().code(), e.toString());
      assertTrue(e.getMessage().contains("libra.results.max-spill-bytes-total"), e.getMessage());
      jobs.awaitLibraJobs(0, 10);
      assertTrue(awaitFileBytesAtMost(0, 5_000) == 0, "blocks of the failed statement removed");
      // The gateway goes on: a small query answers.
      try (FlightStream s = sql.getStream(sql.execute("SELECT 1").getEndpoints().get(0)
          .getTicket())) {
        assertTrue(s.next());
      }
    }
  }
}
