package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Table {@code libra.queries} through the Arrow Flight SQL JDBC driver, authentication on: a
 * workload of alice (3 queries, 1 failing, 1 rejected by admission, 1 cancelled) shows with her
 * user, pool, state, rows, error class and SQLSTATE; bob sees none of her rows, the admin all;
 * the rows are still there after the gateway restarts on the same work directory.
 */
class QueryHistoryTest {
  private static final String SPIN =
      "SELECT count(*) FROM range(100000000000) a WHERE a.id % 7 = 3";

  private static LibraServer start(Path conf) throws Exception {
    return AuthGateway.start(conf, List.of("alice", "bob", "root"), "root = admin\n",
        "libra.operations.max-concurrent-per-user", "1");
  }

  /** Rows of libra.queries the user sees, by SQL text (the workload's texts are distinct). */
  private static Map<String, Map<String, Object>> history(LibraServer server, String user)
      throws Exception {
    assertTrue(server.sessions().history().awaitWritten(10_000), "history not written");
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    try (Connection c = AuthGateway.connect(server, user); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT *, array_join(spark_job_ids, ',') AS job_ids"
            + " FROM libra.queries ORDER BY submitted")) {
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          String label = rs.getMetaData().getColumnLabel(i);
          if (label.equals("spark_job_ids")) {
            continue; // arrays: not through Avatica's getObject
          }
          // Avatica's getObject of a timestamp is not implemented either.
          row.put(label, List.of("submitted", "started", "finished").contains(label)
              ? rs.getTimestamp(i) : rs.getObject(i));
        }
        // One row per statement: a query planned (GetFlightInfo) and streamed (DoGet) is one.
        // Keyed by kind and text: the Arrow JDBC driver prepares every statement
        // (CreatePreparedStatement: kind "prepare"), then executes it (kind "query"); a query
        // planned (GetFlightInfo) and streamed (DoGet) is one statement, one row.
        String text = row.get("kind") + ":" + row.get("sql_text");
        assertTrue(out.put(text, row) == null || text.contains("libra.queries"),
            "two rows for " + text);
      }
    }
    return out;
  }

  private static void drain(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rs.getObject(1);
      }
    }
  }

  @Test
  void aliceSeesHerWorkloadBobNoneOfItAndItSurvivesARestart() throws Exception {
    Path conf = Files.createTempDirectory("libra-history-");
    LibraServer server = start(conf);
    try {
      try (Connection c = AuthGateway.connect(server, "alice");
          Statement s = c.createStatement()) {
        drain(s, "SELECT 1 AS one");
        drain(s, "SELECT n_name FROM tpch.nation WHERE n_regionkey = 1");
        drain(s, "SELECT 2 AS two /* password 'hunter2' */");
        assertThrows(SQLException.class, () -> drain(s, "SELECT * FROM no_such_table"));
        s.executeUpdate("CREATE TABLE default.history_t (a INT) USING parquet");
        assertEquals(2, s.executeUpdate("INSERT INTO default.history_t VALUES (1), (2)"));
        // One statement at a time for alice: a second while the first runs is rejected.
        try (Statement spin = c.createStatement(); Connection other =
            AuthGateway.connect(server, "alice"); Statement second = other.createStatement();
            JobRecorder jobs = new JobRecorder(TestGateway.get().spark.sparkContext())) {
          CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
              drain(spin, SPIN);
            } catch (SQLException expected) {
              // cancelled below
            }
          });
          // Its Spark job runs: its stream holds alice's one slot (its prepare held it briefly).
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (jobs.runningWithTag("libra-user-alice-").isEmpty()
              && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertFalse(jobs.runningWithTag("libra-user-alice-").isEmpty(), "SPIN never ran");
          SQLException rejected = assertThrows(SQLException.class,
              () -> drain(second, "SELECT 3 AS rejected"));
          assertTrue(rejected.getMessage().contains("max-concurrent-per-user"),
              rejected.getMessage());
          spin.cancel();
          running.get(30, TimeUnit.SECONDS);
        }
      }
      try (Connection c = AuthGateway.connect(server, "bob"); Statement s = c.createStatement()) {
        drain(s, "SELECT 'bob' AS mine");
      }
      assertAliceWorkload(history(server, "alice"));
      Map<String, Map<String, Object>> bobs = history(server, "bob");
      assertTrue(bobs.values().stream().allMatch(r -> r.get("user").equals("bob")),
          bobs.toString());
      assertTrue(bobs.containsKey("query:SELECT 'bob' AS mine"), bobs.keySet().toString());
      Map<String, Map<String, Object>> admins = history(server, "root");
      assertTrue(admins.containsKey("query:SELECT 1 AS one")
          && admins.containsKey("query:SELECT 'bob' AS mine"));
    } finally {
      server.close();
    }
    LibraServer again = start(conf);
    try {
      assertAliceWorkload(history(again, "alice"));
    } finally {
      again.close();
    }
  }

  private static void assertAliceWorkload(Map<String, Map<String, Object>> rows) {
    assertTrue(rows.values().stream().allMatch(r -> r.get("user").equals("alice")),
        rows.toString());
    Map<String, Object> one = rows.get("query:SELECT 1 AS one");
    assertNotNull(one, rows.keySet().toString());
    assertEquals(List.of("query", "FINISHED", 1L, "default"),
        List.of(one.get("kind"), one.get("state"), one.get("rows"), one.get("pool")));
    assertEquals(12, String.valueOf(one.get("statement_id")).length());
    assertEquals(12, String.valueOf(one.get("session_id")).length());
    assertEquals("127.0.0.1", one.get("client_address"));
    assertTrue((Long) one.get("bytes") > 0);
    assertTrue((Long) one.get("duration_ms") >= 0);
    assertNotNull(one.get("started"));
    assertEquals(List.of("FINISHED", 0L), List.of(rows.get("prepare:SELECT 1 AS one").get("state"),
        rows.get("prepare:SELECT 1 AS one").get("bytes")));
    Map<String, Object> nations =
        rows.get("query:SELECT n_name FROM tpch.nation WHERE n_regionkey = 1");
    assertEquals(List.of("FINISHED", 5L), List.of(nations.get("state"), nations.get("rows")));
    assertTrue(String.valueOf(nations.get("job_ids")).matches("\\d+(,\\d+)*"),
        String.valueOf(nations.get("job_ids")));
    // Secrets in the text are masked, as in job descriptions and the log.
    assertEquals("FINISHED",
        rows.get("query:SELECT 2 AS two /* password '*********(redacted)' */").get("state"),
        rows.keySet().toString());
    assertTrue(rows.keySet().stream().noneMatch(t -> t.contains("hunter2")));
    // The Arrow JDBC driver prepares first: the error is the prepare's.
    Map<String, Object> failed = rows.get("prepare:SELECT * FROM no_such_table");
    assertEquals(List.of("FAILED", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
        List.of(failed.get("state"), failed.get("error_class"), failed.get("sqlstate")));
    Map<String, Object> rejected = rows.get("prepare:SELECT 3 AS rejected");
    assertEquals(List.of("REJECTED", "ADMISSION_REJECTED"),
        List.of(rejected.get("state"), rejected.get("error_class")));
    assertEquals(null, rejected.get("started"));
    Map<String, Object> insert = rows.get("update:INSERT INTO default.history_t VALUES (1), (2)");
    assertEquals(List.of("FINISHED", 2L), Arrays.asList(insert.get("state"), insert.get("rows")),
        insert.toString());
    Map<String, Object> spin = rows.get("query:" + SPIN);
    assertEquals(List.of("CANCELLED", "CANCELLED"),
        List.of(spin.get("state"), spin.get("error_class")));
    List<String> states = new ArrayList<>();
    rows.values().forEach(r -> states.add(String.valueOf(r.get("state"))));
    assertTrue(states.size() >= 6, states.toString());
  }
}
