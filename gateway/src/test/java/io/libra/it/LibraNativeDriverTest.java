package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.auth.UserStore;
import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Libra's native JDBC driver on the cases Arrow's Flight SQL JDBC driver (and the old driver built
 * on it) got wrong, each through the driver jar in its own class loader as a BI tool loads it:
 * update counts of {@code execute}, catalog and schema through session options, server-side query
 * timeouts, SQLSTATE and error class on every SQLException, plain messages for TLS mismatches,
 * unreachable gateways and bad credentials, nullability and normalised intervals.
 */
class LibraNativeDriverTest {
  private static TestGateway gateway;
  private static URLClassLoader loader;
  private static Driver driver;
  private static JobRecorder jobs;
  /** A second gateway with TLS (self-signed certificate) and password authentication. */
  private static LibraServer tlsServer;
  private static Path conf;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
    jobs = new JobRecorder(gateway.spark.sparkContext());
    loader = new URLClassLoader(new URL[] {JdbcValuesMatchSparkTest.driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    driver = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver").getDeclaredConstructor()
        .newInstance();
    conf = Files.createTempDirectory("libra-native-driver-");
    Files.createDirectories(conf.resolve("tls"));
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", conf.resolve("tls/server.key").toString(),
        "-out", conf.resolve("tls/server.crt").toString(), "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    UserStore.put(conf.resolve("users.properties"), "ann", "ann-secret".toCharArray());
    tlsServer = LibraServer.start(LibraConfig.load(conf, conf, Map.of(), Map.of(
        "libra.server.port", "0", "libra.auth.enabled", "true", "libra.tls.enabled", "true",
        "libra.work-dir", conf.toString())), gateway.spark);
  }

  @AfterAll
  static void stop() throws Exception {
    if (tlsServer != null) {
      tlsServer.close();
    }
    jobs.close();
    loader.close();
    gateway.assertAllocatorReleased();
  }

  private static Connection connect(String query) throws SQLException {
    return driver.connect("jdbc:libra://127.0.0.1:" + gateway.server.port() + query,
        new Properties());
  }

  /** The gateway's error class, from the driver's {@code ServerError} cause. */
  private static String errorClass(SQLException e) throws Exception {
    Throwable cause = e.getCause();
    assertNotNull(cause, "an SQLException from the gateway has a ServerError cause");
    assertEquals("io.libra.jdbc.ServerError", cause.getClass().getName());
    return (String) cause.getClass().getMethod("errorClass").invoke(cause);
  }

  @Test
  void executeReportsUpdateCountsOfStatementsAndPreparedStatements() throws Exception {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      assertFalse(s.execute("CREATE TABLE native_counts (id BIGINT, name STRING) USING parquet"));
      assertNull(s.getResultSet());
      assertFalse(s.execute("INSERT INTO native_counts VALUES (1, 'a'), (2, 'b'), (3, 'c')"));
      assertEquals(3, s.getUpdateCount(), "Statement.execute of an INSERT counts its rows");
      assertFalse(s.getMoreResults());
      assertEquals(-1, s.getUpdateCount());
      assertEquals(2, s.executeUpdate("INSERT INTO native_counts SELECT id + 10, name FROM"
          + " native_counts WHERE id < 3"));
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO native_counts VALUES (?, ?)")) {
        ps.setLong(1, 20);
        ps.setString(2, "t");
        assertFalse(ps.execute(), "PreparedStatement.execute of an INSERT is not a result set");
        assertEquals(1, ps.getUpdateCount());
        assertNull(ps.getResultSet());
        ps.setLong(1, 21);
        ps.setString(2, "u");
        assertEquals(1, ps.executeUpdate());
      }
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeQuery("INSERT INTO native_counts VALUES (9, 'z')"));
      assertTrue(e.getMessage().contains("did not return a result set"), e.getMessage());
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM native_counts")) {
        assertTrue(rs.next());
        assertEquals(8, rs.getLong(1), "3 + 2 + 1 + 1 rows, and the one executeQuery ran");
      }
      s.execute("DROP TABLE native_counts");
    }
  }

  @Test
  void catalogAndSchemaAreSessionOptions() throws Exception {
    try (Connection c = connect("")) {
      assertEquals("spark_catalog", c.getCatalog());
      assertEquals("default", c.getSchema());
      c.setSchema("tpch");
      assertEquals("tpch", c.getSchema());
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_database(), count(*) FROM nation")) {
        assertTrue(rs.next());
        assertEquals("tpch", rs.getString(1), "setSchema reached the server");
        assertEquals(25, rs.getLong(2));
      }
      SQLException bad = assertThrows(SQLException.class, () -> c.setSchema("no_such_schema"));
      assertTrue(bad.getMessage().contains("no_such_schema"), bad.getMessage());
      assertEquals("3F000", bad.getSQLState());
      SQLException badCatalog = assertThrows(SQLException.class,
          () -> c.setCatalog("no_such_catalog"));
      assertTrue(badCatalog.getMessage().contains("no_such_catalog"), badCatalog.getMessage());
      assertEquals("3D000", badCatalog.getSQLState());
      assertEquals("tpch", c.getSchema(), "a refused name changes nothing");
      try (Statement s = c.createStatement()) {
        s.execute("USE default");
      }
      assertEquals("default", c.getSchema(), "a USE statement is seen by getSchema");
      assertTrue(c.isValid(5));
      assertTrue(c.getAutoCommit());
      assertThrows(SQLFeatureNotSupportedException.class, () -> c.setAutoCommit(false));
    }
    // Catalog and schema in the URL; close() does not throw, and twice is fine.
    Connection c = connect("?catalog=spark_catalog&schema=tpch");
    assertEquals("tpch", c.getSchema());
    c.close();
    c.close();
    assertTrue(c.isClosed());
    assertFalse(c.isValid(1));
    SQLException bad = assertThrows(SQLException.class, () -> connect("?schema=nope_schema"));
    assertTrue(bad.getMessage().contains("nope_schema"), bad.getMessage());
  }

  @Test
  void queryTimeoutCancelsTheStatementOnTheServer() throws Exception {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      s.setQueryTimeout(1);
      long t0 = System.nanoTime();
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeQuery(JobRecorder.SLEEPING_JOB).next());
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertInstanceOf(SQLTimeoutException.class, e, e.toString());
      assertEquals("HYT00", e.getSQLState());
      assertTrue(seconds < 3.0, "timed out after " + seconds + " s");
      Thread.sleep(2000);
      assertEquals(0, jobs.runningWithTag("libra-").size(),
          "no Spark job of the statement runs 2 s later: " + jobs.runningWithTag("libra-"));
      s.setQueryTimeout(0);
      try (ResultSet rs = s.executeQuery("SELECT 7")) {
        assertTrue(rs.next(), "the statement is usable after its timeout");
        assertEquals(7, rs.getInt(1));
      }
    }
  }

  @Test
  void cancelFromAnotherThreadIsHy008AndStopsTheJob() throws Exception {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      CompletableFuture<SQLException> failure = CompletableFuture.supplyAsync(() -> {
        try (ResultSet rs = s.executeQuery(JobRecorder.SLEEPING_JOB)) {
          rs.next();
          return null;
        } catch (SQLException e) {
          return e;
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (jobs.runningWithTag("libra-").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(jobs.runningWithTag("libra-").isEmpty(), "the query's job started");
      s.cancel();
      SQLException e = failure.get(30, TimeUnit.SECONDS);
      assertNotNull(e, "the cancelled query failed");
      assertEquals("HY008", e.getSQLState(), e.toString());
      jobs.awaitLibraJobs(0, 10);
    }
  }

  @Test
  void errorsCarrySqlStateAndErrorClass() throws Exception {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT * FROM no_such_table_native"));
      assertEquals("42P01", e.getSQLState());
      assertEquals("TABLE_OR_VIEW_NOT_FOUND", errorClass(e));
      assertInstanceOf(java.sql.SQLSyntaxErrorException.class, e);
      SQLException parse = assertThrows(SQLException.class, () -> s.executeQuery("SELEC 1"));
      assertEquals("42601", parse.getSQLState());
      assertEquals("PARSE_SYNTAX_ERROR", errorClass(parse));
      SQLException prepared = assertThrows(SQLException.class,
          () -> c.prepareStatement("SELECT nope_column FROM range(1)"));
      assertEquals("42703", prepared.getSQLState(), prepared.getMessage());
      SQLException data = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT 1 / 0").next());
      assertEquals("22012", data.getSQLState(), data.getMessage());
      assertEquals("DIVIDE_BY_ZERO", errorClass(data));
    }
  }

  @Test
  void metadataSaysWhatTheSchemaSaysAndIntervalsAreNormalised() throws Exception {
    try (Connection c = connect(""); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT CAST(NULL AS INT) AS maybe, 1 AS surely,"
            + " INTERVAL '1-2' YEAR TO MONTH AS ym, INTERVAL '1 02:03:04' DAY TO SECOND AS dt,"
            + " DATE'2024-02-29' AS d, TIMESTAMP_NTZ'2024-01-02 03:04:05.123456' AS ntz")) {
      ResultSetMetaData md = rs.getMetaData();
      assertEquals(ResultSetMetaData.columnNullable, md.isNullable(1));
      assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(2));
      assertEquals(java.sql.Types.INTEGER, md.getColumnType(2));
      assertTrue(rs.next());
      assertNull(rs.getObject(1));
      assertEquals(0, rs.getInt(1));
      assertTrue(rs.wasNull());
      assertEquals(Period.of(1, 2, 0), rs.getObject("ym"));
      assertEquals("P1Y2M", rs.getString("ym"));
      assertEquals(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4),
          rs.getObject("dt"));
      assertEquals(LocalDate.of(2024, 2, 29), rs.getObject("d", LocalDate.class));
      assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000),
          rs.getObject("ntz", LocalDateTime.class));
      assertFalse(rs.next());
    }
  }

  @Test
  void batchesWidenNumbersAndNullsKeepTheMarkersType() throws Exception {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE native_batch (id BIGINT, amount DECIMAL(10, 2)) USING parquet");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO native_batch VALUES (?, ?)")) {
        ps.setInt(1, 1);
        ps.setInt(2, 5);
        ps.addBatch();
        ps.setLong(1, 3_000_000_000L); // wider than the first row's int: the column widens
        ps.setBigDecimal(2, new java.math.BigDecimal("1.25"));
        ps.addBatch();
        ps.setNull(1, java.sql.Types.BIGINT);
        ps.setNull(2, java.sql.Types.DECIMAL);
        ps.addBatch();
        int[] counts = ps.executeBatch();
        assertEquals(3, java.util.Arrays.stream(counts).map(n -> Math.max(n, 1)).sum(),
            java.util.Arrays.toString(counts));
        ps.setString(1, "x");
        ps.setInt(2, 1);
        ps.addBatch();
        ps.setInt(1, 2);
        ps.setInt(2, 1);
        ps.addBatch();
        SQLException mixed = assertThrows(SQLException.class, ps::executeBatch);
        assertEquals("22018", mixed.getSQLState(), mixed.getMessage());
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT id, amount FROM native_batch ORDER BY id NULLS LAST")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getLong(1));
        assertEquals(0, new java.math.BigDecimal("5").compareTo(rs.getBigDecimal(2)));
        assertTrue(rs.next());
        assertEquals(3_000_000_000L, rs.getLong(1));
        assertEquals(0, new java.math.BigDecimal("1.25").compareTo(rs.getBigDecimal(2)));
        assertTrue(rs.next());
        rs.getLong(1);
        assertTrue(rs.wasNull());
        assertFalse(rs.next());
      }
      s.execute("DROP TABLE native_batch");
      try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(?, 7L) AS v")) {
        ps.setNull(1, java.sql.Types.BIGINT);
        try (ResultSet rs = ps.executeQuery()) {
          assertEquals(java.sql.Types.BIGINT, rs.getMetaData().getColumnType(1));
          assertTrue(rs.next());
          assertEquals(7L, rs.getObject(1));
        }
      }
    }
  }

  @Test
  void javaTimeParametersBind() throws Exception {
    try (Connection c = connect("");
        PreparedStatement ps = c.prepareStatement("SELECT ? AS d, ? AS ts, ? AS ntz, ? AS n")) {
      ps.setObject(1, LocalDate.of(1999, 12, 31));
      ps.setObject(2, Instant.parse("2024-03-10T07:30:00.5Z"));
      ps.setObject(3, LocalDateTime.of(2024, 3, 10, 2, 30));
      ps.setObject(4, new java.math.BigDecimal("12.345"));
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(LocalDate.of(1999, 12, 31), rs.getObject(1, LocalDate.class));
        assertEquals(Instant.parse("2024-03-10T07:30:00.5Z"), rs.getObject(2, Instant.class));
        assertEquals(LocalDateTime.of(2024, 3, 10, 2, 30), rs.getObject(3, LocalDateTime.class));
        assertEquals(0, new java.math.BigDecimal("12.345").compareTo(rs.getBigDecimal(4)));
      }
    }
  }

  @Test
  void tlsLoginAndPlainMessagesForWhatIsWrong() throws Exception {
    String tls = "jdbc:libra://127.0.0.1:" + tlsServer.port();
    Path ca = conf.resolve("tls/server.crt");
    Properties ann = new Properties();
    ann.setProperty("user", "ann");
    ann.setProperty("password", "ann-secret");
    // Trusting the gateway's certificate, and skipping the check.
    for (String q : new String[] {"?useEncryption=true&tlsRootCerts=" + ca,
        "?useEncryption=true&disableCertificateVerification=true"}) {
      try (Connection c = driver.connect(tls + q, ann); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_user()")) {
        assertTrue(rs.next());
        assertEquals("ann", rs.getString(1), q);
      }
    }
    Properties wrong = new Properties();
    wrong.setProperty("user", "ann");
    wrong.setProperty("password", "nope");
    SQLException auth = assertThrows(SQLException.class, () -> driver.connect(tls
        + "?useEncryption=true&disableCertificateVerification=true", wrong));
    assertEquals("28000", auth.getSQLState(), auth.toString());
    assertTrue(auth.getMessage().contains("invalid user name or password"), auth.getMessage());
    SQLException untrusted = assertThrows(SQLException.class,
        () -> driver.connect(tls + "?useEncryption=true", ann));
    assertTrue(untrusted.getMessage().contains("not trusted")
        && untrusted.getMessage().contains("tlsRootCerts"), untrusted.getMessage());
    SQLException plainToTls = assertThrows(SQLException.class,
        () -> driver.connect(tls + "?useEncryption=false", ann));
    assertEquals("08001", plainToTls.getSQLState(), plainToTls.toString());
    assertTrue(plainToTls.getMessage().contains("useEncryption=true"), plainToTls.getMessage());
    SQLException tlsToPlain = assertThrows(SQLException.class, () -> driver.connect(
        "jdbc:libra://127.0.0.1:" + gateway.server.port() + "?useEncryption=true",
        new Properties()));
    assertEquals("08001", tlsToPlain.getSQLState(), tlsToPlain.toString());
    assertTrue(tlsToPlain.getMessage().contains("does not speak TLS"), tlsToPlain.getMessage());
    int closedPort;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = free.getLocalPort();
    }
    SQLException refused = assertThrows(SQLException.class, () -> driver.connect(
        "jdbc:libra://127.0.0.1:" + closedPort, new Properties()));
    assertEquals("08001", refused.getSQLState(), refused.toString());
    assertTrue(refused.getMessage().contains("connection refused"), refused.getMessage());
    SQLException unknown = assertThrows(SQLException.class, () -> driver.connect(
        "jdbc:libra://no-such-host.invalid:32010?useEncryption=false", new Properties()));
    assertEquals("08001", unknown.getSQLState(), unknown.toString());
    assertTrue(unknown.getMessage().contains("unknown host"), unknown.getMessage());
  }
}
