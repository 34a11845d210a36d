package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts reach the server: a statement that runs past its timeout — from the session option
 * {@code statement_timeout}, the JDBC URL property of that name (a call header), Libra's driver's
 * {@code setQueryTimeout}, or {@code libra.operations.statement-timeout-seconds} — ends with
 * TIMED_OUT naming the timeout, and its Spark jobs stop within 2 s of it.
 */
class StatementTimeoutTest {
  private static final String SLOW = JobRecorder.SLEEPING_JOB;
  private static TestGateway gateway;
  private static RootAllocator allocator;
  private static JobRecorder jobs;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
    allocator = new RootAllocator();
    jobs = new JobRecorder(gateway.spark.sparkContext());
  }

  @AfterAll
  static void stop() throws Exception {
    jobs.close();
    allocator.close();
    gateway.assertAllocatorReleased();
  }

  /** Reads the query's stream, which must fail; the failure. */
  private static FlightRuntimeException readFails(FlightSqlClient sql, FlightInfo info) {
    return assertThrows(FlightRuntimeException.class, () -> {
      try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
        while (s.next()) {
          // reads until the timeout
        }
      }
    });
  }

  /**
   * The client was told no earlier than the timeout (and not unboundedly later: the submission,
   * analysis and the timer run on a loaded machine too), and the statement's Spark jobs had
   * stopped within 2 s of that.
   */
  private static void assertStopsInTime(long t0, long timedOutAt, int timeoutSeconds)
      throws Exception {
    long stopped = jobs.awaitLibraJobs(0, 30);
    double elapsed = (timedOutAt - t0) / 1e9;
    double jobsStopped = (stopped - t0) / 1e9;
    System.out.printf("StatementTimeoutTest: timeout %d s, client told after %.2f s,"
        + " jobs stopped after %.2f s%n", timeoutSeconds, elapsed, jobsStopped);
    assertTrue(elapsed >= timeoutSeconds - 0.1 && elapsed < timeoutSeconds + 10,
        "told after " + elapsed + " s");
    assertTrue(jobsStopped - elapsed < 2.0, "jobs stopped " + (jobsStopped - elapsed)
        + " s after the client was told");
  }

  @Test
  void sessionOptionTimesTheStatementOut() throws Exception {
    try (FlightClient raw = FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build();
        FlightSqlClient sql = new FlightSqlClient(raw)) {
      var result = raw.setSessionOptions(new SetSessionOptionsRequest(Map.of("statement_timeout",
          SessionOptionValueFactory.makeSessionOptionValue("2"))));
      assertTrue(result.getErrors().isEmpty(), result.getErrors().toString());
      long t0 = System.nanoTime();
      FlightRuntimeException e = readFails(sql, sql.execute(SLOW));
      long timedOut = System.nanoTime();
      assertEquals(FlightStatusCode.TIMED_OUT, e.status().code(), e.getMessage());
      assertTrue(e.getMessage().contains("timeout of 2 s")
          && e.getMessage().contains("statement_timeout"), e.getMessage());
      assertStopsInTime(t0, timedOut, 2);
      // The session still works, and a bad value is refused naming the option.
      assertEquals(1, sql.execute("SELECT 1").getEndpoints().size());
      var bad = raw.setSessionOptions(new SetSessionOptionsRequest(Map.of("statement_timeout",
          SessionOptionValueFactory.makeSessionOptionValue("soon"))));
      assertEquals(1, bad.getErrors().size());
    }
  }

  @Test
  void jdbcUrlPropertyTimesTheStatementOut() throws Exception {
    try (Connection c = DriverManager.getConnection(gateway.jdbcUrl() + "&statement_timeout=2");
        Statement st = c.createStatement()) {
      long t0 = System.nanoTime();
      SQLException e = assertThrows(SQLException.class, () -> st.executeQuery(SLOW).next());
      long timedOut = System.nanoTime();
      assertTrue(String.valueOf(e.getMessage()).contains("timeout of 2 s"), e.getMessage());
      assertStopsInTime(t0, timedOut, 2);
    }
  }

  @Test
  void libraDriverQueryTimeoutCancelsOnTheServer() throws Exception {
    try (URLClassLoader loader = new URLClassLoader(
        new URL[] {JdbcValuesMatchSparkTest.driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Driver driver = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
          .getDeclaredConstructor().newInstance();
      try (Connection c = driver.connect("jdbc:libra://127.0.0.1:" + gateway.server.port(),
          new Properties())) {
        Statement st = c.createStatement();
        st.setQueryTimeout(2);
        // The first execution with a new timeout also sends it (SET libra.statement_timeout):
        // timed from the slow statement itself.
        try (var rs = st.executeQuery("SELECT 1")) {
          assertTrue(rs.next());
        }
        long t0 = System.nanoTime();
        assertThrows(SQLException.class, () -> st.executeQuery(SLOW).next());
        long timedOut = System.nanoTime();
        assertStopsInTime(t0, timedOut, 2);
        try {
          st.close();
        } catch (SQLException e) {
          // The Arrow driver's close throws after a timeout (its stream was cancelled).
        }
        // A statement without a timeout runs normally: the server's default is back (a new
        // Statement: the Arrow driver leaves one that timed out unusable).
        try (Statement next = c.createStatement();
            var rs = next.executeQuery("SELECT count(*) FROM range(0, 4, 1, 4)"
                + " WHERE java_method('java.lang.Thread', 'sleep', 2500L) IS NULL")) {
          assertTrue(rs.next());
          assertEquals(0, rs.getLong(1)); // java_method answers the string "null"
        }
      }
    }
  }

  @Test
  void serverSettingTimesStatementsOut() throws Exception {
    Path dir = Files.createTempDirectory("libra-timeout-");
    try (LibraServer s = LibraServer.start(LibraConfig.load(dir, dir, Map.of(), Map.of(
        "libra.server.port", "0", "libra.sql.denied-functions", "",
        "libra.operations.statement-timeout-seconds", "1")), gateway.spark);
        FlightSqlClient sql = new FlightSqlClient(FlightClient.builder(allocator,
            Location.forGrpcInsecure("127.0.0.1", s.port())).build())) {
      long t0 = System.nanoTime();
      FlightRuntimeException e = readFails(sql, sql.execute(SLOW));
      long timedOut = System.nanoTime();
      assertEquals(FlightStatusCode.TIMED_OUT, e.status().code(), e.getMessage());
      assertTrue(e.getMessage().contains("libra.operations.statement-timeout-seconds"),
          e.getMessage());
      assertStopsInTime(t0, timedOut, 1);
    }
  }
}
