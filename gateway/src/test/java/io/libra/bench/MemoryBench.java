package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import io.libra.operation.Operation;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.RootAllocator;

/**
 * scripts/bench --memory: a deliberately slow client (a pause after every batch) reads
 * {@code SELECT id, CAST(id AS STRING) AS s FROM range(N)} from a gateway with default settings;
 * a sampler records the gateway JVM's live heap (pool usage after the last GC), JVM direct
 * buffers and Netty's direct memory, and the result blocks stored for the stream. Prints peak
 * against idle (measured before the query, after a GC).
 *
 * <p>Usage: {@code MemoryBench [rows] [pause-ms-per-batch]} (default 100,000,000 and 1).
 */
public final class MemoryBench {
  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 100_000_000L;
    int pause = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Path work = Files.createTempDirectory("libra-memory-bench-");
    SparkEngine engine = SparkEngine.start(Map.of("spark.master", "local[*]",
        "spark.ui.enabled", "false", "spark.sql.catalogImplementation", "in-memory"), work, true);
    LibraConfig config = LibraConfig.load(work, work.resolve("none"), Map.of(),
        Map.of("libra.server.port", "0", "libra.work-dir", work.toString()));
    try (LibraServer server = LibraServer.start(config, engine.rootSession());
        RootAllocator a = new RootAllocator();
        FlightSqlClient sql = new FlightSqlClient(FlightClient.builder(a,
            Location.forGrpcInsecure("127.0.0.1", server.port())).build())) {
      sql.execute("SELECT 1"); // warm-up
      System.gc();
      Thread.sleep(500);
      long idleHeap = liveHeap();
      long idleDirect = direct();
      AtomicLong peakHeap = new AtomicLong(idleHeap);
      AtomicLong peakRawHeap = new AtomicLong();
      AtomicLong peakDirect = new AtomicLong(idleDirect);
      AtomicLong peakArrow = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      Thread sampler = new Thread(() -> {
        while (!done.get()) {
          peakHeap.accumulateAndGet(liveHeap(), Math::max);
          peakRawHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()
              .getUsed(), Math::max);
          peakDirect.accumulateAndGet(direct(), Math::max);
          peakArrow.accumulateAndGet(server.allocatedBytes(), Math::max);
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.start();
      long t0 = System.nanoTime();
      FlightInfo info = sql.execute("SELECT id, CAST(id AS STRING) AS s FROM range(" + n + ")");
      long rows = 0;
      long batches = 0;
      try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
        while (s.next()) {
          rows += s.getRoot().getRowCount();
          batches++;
          Thread.sleep(pause);
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      done.set(true);
      sampler.join();
      TicketStatementQuery t = com.google.protobuf.Any.parseFrom(
          info.getEndpoints().get(0).getTicket().getBytes()).unpack(TicketStatementQuery.class);
      Operation op = server.operation(t.getStatementHandle().toStringUtf8());
      System.out.printf(Locale.ROOT, "slow client: %,d rows in %,d batches, %d ms pause per batch,"
          + " %.0f s (%,.0f rows/s)%n", rows, batches, pause, secs, rows / secs);
      System.out.printf(Locale.ROOT, "live heap (after GC): idle %,d MiB, peak %,d MiB, +%,d MiB%n",
          idleHeap >> 20, peakHeap.get() >> 20, (peakHeap.get() - idleHeap) >> 20);
      System.out.printf(Locale.ROOT, "heap used incl. garbage: peak %,d MiB%n",
          peakRawHeap.get() >> 20);
      System.out.printf(Locale.ROOT, "direct memory (JVM buffers + Netty): idle %,d MiB, peak %,d"
          + " MiB, +%,d MiB%n", idleDirect >> 20, peakDirect.get() >> 20,
          (peakDirect.get() - idleDirect) >> 20);
      System.out.printf(Locale.ROOT, "server Arrow buffers: peak %,d KiB; result blocks stored at"
          + " once: %,d MiB (budget libra.results.max-buffered-bytes); largest block fetched: %,d"
          + " KiB%n", peakArrow.get() >> 10, op.peakStoredBytes() >> 20,
          op.peakFetchedBytes() >> 10);
    } finally {
      engine.close();
    }
  }

  /** Heap pools' usage after their last collection: the live set, not garbage. */
  private static long liveHeap() {
    long used = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
        used += p.getCollectionUsage().getUsed();
      }
    }
    return used;
  }

  private static long direct() {
    long used = 0;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        used += b.getMemoryUsed();
      }
    }
    return used + io.netty.util.internal.PlatformDependent.usedDirectMemory();
  }
}
