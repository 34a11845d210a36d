package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/** The job procedures as a test calls them through JDBC. */
final class JobsClient {
  private final Connection connection;

  JobsClient(Connection connection) {
    this.connection = connection;
  }

  /** Runs a {@code CALL libra.submit_job(…)} and returns the job id (state must be SUBMITTED). */
  String submit(String call) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(call)) {
      assertTrue(rs.next());
      String id = rs.getString("job_id");
      assertTrue(Set.of("SUBMITTED", "RUNNING").contains(rs.getString("state")));
      assertTrue(rs.getTimestamp("submitted_at") != null);
      return id;
    }
  }

  /** {@code CALL libra.job_status(id)} as column name → value (timestamps left out). */
  Map<String, Object> status(String id) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("CALL libra.job_status('" + id + "')")) {
      assertTrue(rs.next());
      Map<String, Object> row = new LinkedHashMap<>();
      for (String c : List.of("job_id", "name", "kind", "user", "state", "app_id", "error")) {
        row.put(c, rs.getString(c));
      }
      int exit = rs.getInt("exit_code");
      row.put("exit_code", rs.wasNull() ? null : exit);
      long pid = rs.getLong("driver_pid");
      row.put("driver_pid", rs.wasNull() ? null : pid);
      row.put("started", rs.getTimestamp("started_at") != null);
      row.put("finished", rs.getTimestamp("finished_at") != null);
      return row;
    }
  }

  /** Polls job_status every 100 ms until the state is one of {@code states}. */
  Map<String, Object> await(String id, long timeoutMillis, String... states) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Map<String, Object> last = null;
    while (System.currentTimeMillis() < deadline) {
      last = status(id);
      if (Set.of(states).contains(last.get("state"))) {
        return last;
      }
      Thread.sleep(100);
    }
    fail("job " + id + " did not reach " + List.of(states) + " in " + timeoutMillis + " ms: " + last
        + "\nlog:\n" + String.join("\n", log(id, 60)));
    return null;
  }

  /** Polls until the driver process {@code pid} is gone. */
  static void awaitProcessGone(long pid, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.currentTimeMillis() > deadline) {
        fail("driver process " + pid + " still alive after " + timeoutMillis + " ms");
      }
      Thread.sleep(50);
    }
  }

  List<String> log(String id, int tail) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("CALL libra.job_log('" + id + "', tail => " + tail + ")")) {
      while (rs.next()) {
        lines.add(rs.getString("line"));
      }
    }
    return lines;
  }

  /**
   * The Flight status behind a JDBC failure: the driver keeps the (shaded)
   * {@code FlightRuntimeException} as the SQLException's cause.
   */
  static FlightStatusCode status(Throwable t) throws ReflectiveOperationException {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FlightRuntimeException f) {
        return f.status().code();
      }
      if (c.getClass().getName().endsWith(".arrow.flight.FlightRuntimeException")) {
        Object status = c.getClass().getMethod("status").invoke(c);
        Object code = status.getClass().getMethod("code").invoke(status);
        return FlightStatusCode.valueOf(((Enum<?>) code).name());
      }
    }
    return null;
  }
}
