package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;

/**
 * Cancel has no window: a multi-job query (a broadcast join over {@code range}: the broadcast's
 * job, then the join's) cancelled with CancelFlightInfo at a random moment 0–300 ms after it was
 * submitted (or up to 1.2 times the query's duration with four clients at once, when that is
 * longer, so that some trials finish first) — before its first job, between jobs, while streaming, after its result.
 * Every client
 * sees its full, correct result or CANCELLED, no Spark job of any of the statements is left
 * running, and no job that started after its statement's cancel was answered ran to success
 * (both counted by a SparkListener).
 *
 * <p>{@code -Dlibra.cancelTrials=N} sets the number of trials (default 100, four clients at once;
 * {@code scripts/cancel-trials} runs 1,000).
 */
class CancelRaceTest {
  private static final String QUERY = "SELECT /*+ BROADCAST(b) */ count(*) AS n"
      + " FROM range(0, 120000, 1, 4) a"
      + " JOIN (SELECT id * 3 AS k FROM range(0, 20000, 1, 2)) b ON a.id = b.k";
  private static final long EXPECTED = 20_000;

  @Test
  void cancelsAtRandomMomentsLeaveNoJobRunning() throws Exception {
    int trials = Integer.getInteger("libra.cancelTrials", 100);
    TestGateway gateway = TestGateway.get();
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    // Statement id -> when its cancel was answered CANCELLED (ms since the epoch).
    Map<String, Long> cancelledAt = new ConcurrentHashMap<>();
    try (JobRecorder jobs = new JobRecorder(gateway.spark.sparkContext());
        RootAllocator allocator = new RootAllocator()) {
      int clients = 4;
      ExecutorService pool = Executors.newFixedThreadPool(clients * 2);
      // How long the query takes with four clients at once (the median of a warm-up round).
      List<Future<Long>> warmUps = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        warmUps.add(pool.submit(() -> {
          try (FlightSqlClient sql = new FlightSqlClient(FlightClient.builder(allocator,
              Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build())) {
            long t = 0;
            for (int i = 0; i < 3; i++) {
              long t0 = System.nanoTime();
              assertEquals(EXPECTED, read(sql, sql.execute(QUERY)));
              t = System.nanoTime() - t0;
            }
            return t;
          }
        }));
      }
      List<Long> times = new ArrayList<>();
      for (Future<Long> f : warmUps) {
        times.add(f.get(5, TimeUnit.MINUTES));
      }
      java.util.Collections.sort(times);
      long took = times.get(times.size() / 2);
      int maxDelayMillis = (int) Math.max(300, TimeUnit.NANOSECONDS.toMillis(took) * 12 / 10);
      List<Future<?>> done = new ArrayList<>();
      AtomicInteger next = new AtomicInteger();
      for (int c = 0; c < clients; c++) {
        done.add(pool.submit(() -> {
          try (FlightSqlClient sql = new FlightSqlClient(FlightClient.builder(allocator,
              Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build())) {
            while (next.getAndIncrement() < trials) {
              String outcome = trial(sql, pool, maxDelayMillis, cancelledAt);
              outcomes.computeIfAbsent(outcome.startsWith("wrong") ? "wrong" : outcome,
                  k -> new AtomicInteger()).incrementAndGet();
              if (outcome.startsWith("wrong")) {
                wrong.add(outcome);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(15, TimeUnit.MINUTES);
      }
      pool.shutdownNow();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!jobs.runningWithTag("libra-").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      jobs.drain();
      System.out.println("CancelRaceTest: " + trials + " trials (query "
          + TimeUnit.NANOSECONDS.toMillis(took) + " ms, cancels 0-" + maxDelayMillis
          + " ms after submit, " + clients + " clients at once), outcomes " + outcomes
          + ", Spark jobs started " + jobs.started.size() + ", left running "
          + jobs.runningWithTag("libra-").size());
      assertEquals(List.of(), wrong, "every client sees its full result or CANCELLED");
      assertEquals(List.of(), jobs.runningWithTag("libra-"), "Spark jobs left running");
      List<String> ranAfterCancel = new ArrayList<>();
      for (JobRecorder.Job j : jobs.started) {
        for (Map.Entry<String, Long> c : cancelledAt.entrySet()) {
          if (j.tags().contains("-op-" + io.libra.util.PublicIds.of(c.getKey())) && jobs.succeeded.contains(j.id())
              && jobs.startMillis.get(j.id()) > c.getValue()) {
            ranAfterCancel.add("job " + j.id() + " of statement " + c.getKey());
          }
        }
      }
      System.out.println("CancelRaceTest: jobs started after their statement's cancel and"
          + " succeeded: " + ranAfterCancel.size());
      assertEquals(List.of(), ranAfterCancel, "jobs that started after the cancel and succeeded");
      assertTrue(outcomes.containsKey("cancelled"), "some trials were cancelled: " + outcomes);
      assertEquals(0, gateway.server.liveStatements(), "statements not ended");
    }
    gateway.assertAllocatorReleased();
  }

  /** One statement, cancelled after a random delay; returns how it ended for the client. */
  private static String trial(FlightSqlClient sql, ExecutorService pool, int maxDelayMillis,
      Map<String, Long> cancelledAt) throws Exception {
    long delayNanos = TimeUnit.MILLISECONDS.toNanos(
        ThreadLocalRandom.current().nextInt(maxDelayMillis + 1));
    long t0 = System.nanoTime();
    FlightInfo info = sql.execute(QUERY);
    Future<Long> reader = pool.submit(() -> read(sql, info));
    long wait = delayNanos - (System.nanoTime() - t0);
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    if (sql.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus()
        == org.apache.arrow.flight.CancelStatus.CANCELLED) {
      cancelledAt.put(com.google.protobuf.Any.parseFrom(info.getEndpoints().get(0).getTicket()
          .getBytes()).unpack(org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery.class)
          .getStatementHandle().toStringUtf8(), System.currentTimeMillis());
    }
    try {
      long n = reader.get(2, TimeUnit.MINUTES);
      return n == EXPECTED ? "full result" : "wrong result " + n;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof FlightRuntimeException f
          && f.status().code() == FlightStatusCode.CANCELLED) {
        return "cancelled";
      }
      return "wrong error " + e.getCause();
    }
  }

  /** The count the query returns, or -1 when its stream had no row. */
  private static long read(FlightSqlClient sql, FlightInfo info) throws Exception {
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      long n = -1;
      while (s.next()) {
        if (s.getRoot().getRowCount() > 0) {
          n = ((BigIntVector) s.getRoot().getVector(0)).get(0);
        }
      }
      return n;
    }
  }
}
