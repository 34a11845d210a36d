package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping as {@code scripts/libra stop} does (SIGTERM to the real command line in its own JVM):
 * a query running at that moment finishes within {@code libra.server.drain-seconds} with its
 * right answer — the drain runs before Spark's own shutdown hook stops the SparkContext — and the
 * process then exits.
 */
class DrainAtStopTest {
  /** A few seconds of work on 2 cores: 4 partitions of 3G rows each. */
  private static final String WORK =
      "SELECT count(*) FROM range(0, 12000000000, 1, 4) WHERE id % 7 = 3";

  @Test
  void aRunningQueryFinishesWhenTheGatewayIsStopped() throws Exception {
    Path work = Files.createTempDirectory("libra-drain-");
    GatewayProcess g = GatewayProcess.start(work, "libra.server.drain-seconds=60",
        "libra.sample-data.tpch-scale=0");
    try (Connection c = DriverManager.getConnection(g.jdbcUrl())) {
      CompletableFuture<Long> answer = CompletableFuture.supplyAsync(() -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(WORK)) {
          rs.next();
          return rs.getLong(1);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      Thread.sleep(4_000); // planned, and its DoGet running
      assertTrue(!answer.isDone(), "the query ended before the stop: make it longer");
      long t0 = System.nanoTime();
      g.terminate(); // SIGTERM, without waiting
      long n;
      try {
        n = answer.get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        g.close();
        System.out.println(g.output().lines().filter(l -> !l.contains(" Executor: ")
            && !l.contains("TaskSetManager")).reduce("", (a, b) -> a + "\n" + b));
        throw e;
      }
      assertEquals(1714285714L, n);
      System.out.printf("DrainAtStopTest: the query finished %.1f s after SIGTERM%n",
          (System.nanoTime() - t0) / 1e9);
    } catch (java.sql.SQLException closing) {
      // the connection's close after the server went away
    } finally {
      g.close();
    }
  }
}
