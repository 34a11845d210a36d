package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every Spark job a statement starts — broadcast and subquery jobs included — runs in its
 * connection's FAIR pool, chosen by the JDBC URL property {@code pool} (sent as a call header).
 */
class PoolsJdbcTest {
  private static final String COUNT = "SELECT count(*) FROM range(10000000)";
  private static final String BROADCAST_JOIN = "SELECT /*+ BROADCAST(b) */ count(*)"
      + " FROM range(200000) a JOIN range(1000) b ON a.id = b.id";
  private static final String SUBQUERY = "SELECT count(*) FROM range(100000)"
      + " WHERE id > (SELECT max(id) - 10 FROM range(1000))";

  private static long rounds(String url) throws Exception {
    long sum = 0;
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (int i = 0; i < 50; i++) {
        for (String sql : new String[] {COUNT, BROADCAST_JOIN, SUBQUERY}) {
          try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            sum += rs.getLong(1);
          }
        }
      }
    }
    return sum;
  }

  @Test
  void everyJobOfAConnectionRunsInItsPool() throws Exception {
    TestGateway gateway = TestGateway.get();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (JobRecorder jobs = new JobRecorder(gateway.spark.sparkContext())) {
      Future<Long> a = pool.submit(() -> rounds(gateway.jdbcUrl() + "&pool=interactive"));
      Future<Long> b = pool.submit(() -> rounds(gateway.jdbcUrl() + "&pool=low-priority"));
      long expected = 50L * (10_000_000L + 1000 + 99_010);
      assertEquals(expected, a.get());
      assertEquals(expected, b.get());
      jobs.drain();

      // Group jobs by the session part of their Libra job tag.
      Map<String, Set<String>> poolsBySession = new HashMap<>();
      int broadcastJobs = 0;
      for (JobRecorder.Job j : jobs.started) {
        assertTrue(j.tags().contains("libra-user-anonymous-session-"),
            "job " + j.id() + " has no Libra tag: " + j);
        String session = j.tags().replaceAll(".*-session-([^-]+)-op-.*", "$1");
        poolsBySession.computeIfAbsent(session, k -> new java.util.TreeSet<>()).add(j.pool());
        if (j.tags().contains("broadcast")
            || (j.description() != null && j.description().contains("broadcast exchange"))) {
          broadcastJobs++;
        }
      }
      assertTrue(broadcastJobs >= 50, "broadcast jobs seen: " + broadcastJobs + "; sample: "
          + jobs.started.stream().limit(12).toList());
      List<Set<String>> pools = poolsBySession.values().stream()
          .filter(s -> !s.isEmpty()).collect(Collectors.toList());
      assertEquals(2, pools.size(), poolsBySession.toString());
      assertTrue(pools.contains(Set.of("interactive")), poolsBySession.toString());
      assertTrue(pools.contains(Set.of("low-priority")), poolsBySession.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknownPoolIsAClearError() throws Exception {
    TestGateway gateway = TestGateway.get();
    try (Connection c = DriverManager.getConnection(gateway.jdbcUrl() + "&pool=nope");
        Statement s = c.createStatement()) {
      SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT 1"));
      assertTrue(e.getMessage().contains("unknown pool 'nope'"), e.getMessage());
      assertTrue(e.getMessage().contains("low-priority"), e.getMessage());
      assertFalse(e.getMessage().contains("INTERNAL"), e.getMessage());
    }
  }
}
