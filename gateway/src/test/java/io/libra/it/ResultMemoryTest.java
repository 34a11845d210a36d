package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import io.libra.operation.Operation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory a result stream takes on the gateway is bounded whatever the result's size: a
 * partition is stored by its task in Spark's BlockManager and crosses the driver one block (about
 * 8 MiB) at a time, and a slow client makes the prefetching stop at
 * {@code libra.results.max-buffered-bytes} (1 MiB here). A partition smaller than the first block
 * comes back in its task's result and stores no block.
 */
class ResultMemoryTest {
  private static final long BUDGET = 1L << 20;
  private static LibraServer server;
  private static RootAllocator allocator;
  private static FlightSqlClient sql;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("libra-memory-");
    server = LibraServer.start(LibraConfig.load(dir, dir, Map.of(), Map.of(
        "libra.server.port", "0", "libra.work-dir", dir.toString(),
        "libra.results.max-buffered-bytes", Long.toString(BUDGET),
        "libra.results.prefetch-partitions", "8")), TestGateway.get().spark);
    allocator = new RootAllocator();
    sql = new FlightSqlClient(FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", server.port())).build());
  }

  @AfterAll
  static void stop() throws Exception {
    sql.close();
    allocator.close();
    server.close();
  }

  /** Reads the whole stream, sleeping after each batch; returns rows and checks every value. */
  private static long readSlowly(FlightInfo info, int sleepMillis, int width) throws Exception {
    long rows = 0;
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      while (s.next()) {
        VarCharVector v = (VarCharVector) s.getRoot().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++) {
          assertEquals(width, new String(v.get(i), StandardCharsets.UTF_8).length());
        }
        rows += v.getValueCount();
        Thread.sleep(sleepMillis);
      }
    }
    return rows;
  }

  private static Operation operationOf(FlightInfo info) throws Exception {
    TicketStatementQuery t = com.google.protobuf.Any.parseFrom(
        info.getEndpoints().get(0).getTicket().getBytes()).unpack(TicketStatementQuery.class);
    return server.operation(t.getStatementHandle().toStringUtf8());
  }

  @Test
  void aPartitionLargerThanTheDriverBudgetCrossesItInBlocks() throws Exception {
    // One partition of about 40 MB of Arrow data.
    FlightInfo info = sql.execute("SELECT repeat('x', 1000) AS s FROM range(0, 40000, 1, 1)");
    assertEquals(40_000, readSlowly(info, 0, 1000));
    Operation op = operationOf(info);
    assertTrue(op.peakFetchedBytes() > 0, "streamed through result blocks");
    // Never the 40 MB partition at once: one block (8 MiB target plus one batch of <= 4 MiB).
    assertTrue(op.peakFetchedBytes() <= 12L << 20, "largest block " + op.peakFetchedBytes());
  }

  /** Threads that keep every core busy until closed: the budget must hold under load too. */
  private static AutoCloseable busyCores() {
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      Thread t = new Thread(() -> {
        long x = 0;
        while (!stop.get()) {
          x += Long.numberOfTrailingZeros(System.nanoTime() ^ x);
        }
        if (x == 42) {
          System.out.print("");
        }
      }, "busy-core-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    return () -> {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    };
  }

  @Test
  void aSlowClientStopsPrefetchingAtTheBudget() throws Exception {
    // 40 partitions of about 260 KB; the client reads one batch (one partition) per 50 ms, while
    // other threads keep both cores busy.
    FlightInfo info;
    try (AutoCloseable load = busyCores()) {
      info = sql.execute("SELECT repeat('y', 50) AS s FROM range(0, 200000, 1, 40)");
      assertEquals(200_000, readSlowly(info, 50, 50));
    }
    Operation op = operationOf(info);
    assertTrue(op.peakStoredBytes() <= BUDGET, "stored " + op.peakStoredBytes());
    assertTrue(op.peakStoredBytes() >= BUDGET / 4, "it prefetched: " + op.peakStoredBytes());
    assertEquals(0, server.allocatedBytes());
  }

  @Test
  void smallPartitionsReturnInTheTaskResultWithoutBlocks() throws Exception {
    org.apache.spark.SparkContext sc = TestGateway.get().spark.sparkContext();
    java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onBlockUpdated(org.apache.spark.scheduler.SparkListenerBlockUpdated event) {
        if (event.blockUpdatedInfo().blockId().name().startsWith("test_libra_")
            && event.blockUpdatedInfo().storageLevel().isValid()) {
          stored.incrementAndGet();
        }
      }
    };
    sc.addSparkListener(listener);
    try {
      // Four partitions of about 25 KB each: under the first block's 1 MiB.
      assertEquals(4_000, readSlowly(sql.execute(
          "SELECT repeat('z', 20) AS s FROM range(0, 4000, 1, 4)"), 0, 20));
      sc.listenerBus().waitUntilEmpty();
      assertEquals(0, stored.get(), "result blocks stored for a small result");
      // A partition of about 4 MB still goes through blocks (the listener does see them).
      assertEquals(4_000, readSlowly(sql.execute(
          "SELECT repeat('z', 1000) AS s FROM range(0, 4000, 1, 1)"), 0, 1000));
      sc.listenerBus().waitUntilEmpty();
      assertTrue(stored.get() > 0, "no result block seen for a 4 MB partition");
    } finally {
      sc.removeSparkListener(listener);
    }
  }
}
