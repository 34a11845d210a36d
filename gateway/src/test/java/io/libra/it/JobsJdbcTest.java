package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.testapps.TestAppJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs through the JDBC driver: {@code CALL libra.submit_job} starts real driver JVMs (embedded
 * spark-submit, {@code local[2]}) of a test application jar built from the test classes.
 */
class JobsJdbcTest {
  private static TestGateway gateway;
  private static Path jar;

  @BeforeAll
  static void setUp() throws Exception {
    gateway = TestGateway.get();
    jar = TestAppJar.build(gateway.workDir.resolve("apps/testapps.jar"));
  }

  private static String submitJar(String mainClass, String extra) {
    return "CALL libra.submit_job(kind => 'jar', resource => '" + jar + "', main_class => '"
        + mainClass + "'" + extra + ")";
  }

  @Test
  void jarJobFinishesWithItsOutputInTheLog() throws Exception {
    try (Connection c = gateway.connect()) {
      JobsClient jobs = new JobsClient(c);
      long t0 = System.nanoTime();
      String id = jobs.submit(submitJar("io.libra.testapps.HelloJob",
          ", args => ARRAY['a', 'b'], conf => MAP['spark.ui.enabled', 'false',"
              + " 'spark.driver.memory', '512m'], name => 'nightly'"));
      Map<String, Object> done = jobs.await(id, 120_000, "FINISHED", "FAILED", "KILLED", "LOST");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("submit_job -> FINISHED of the trivial job: " + ms + " ms");
      assertEquals("FINISHED", done.get("state"), done.toString());
      assertEquals(0, done.get("exit_code"));
      assertEquals("nightly", done.get("name"));
      assertEquals("jar", done.get("kind"));
      assertEquals("anonymous", done.get("user"));
      assertTrue(((String) done.get("app_id")).startsWith("local-"), done.toString());
      assertEquals(true, done.get("started"));
      assertEquals(true, done.get("finished"));
      List<String> log = jobs.log(id, 200);
      assertTrue(log.contains("hello-libra args=[a, b] count=10"), String.join("\n", log));
      assertEquals(3, jobs.log(id, 3).size());
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT name, state, exit_code FROM libra.jobs WHERE job_id = '" + id + "'")) {
        assertTrue(rs.next());
        assertEquals("nightly", rs.getString(1));
        assertEquals("FINISHED", rs.getString(2));
        assertEquals(0, rs.getInt(3));
      }
      // The session now knows catalog libra; metadata calls over every catalog still work.
      try (ResultSet schemas = c.getMetaData().getSchemas()) {
        int n = 0;
        while (schemas.next()) {
          n++;
        }
        assertTrue(n > 0);
      }
    }
  }

  @Test
  void failingJobIsFailedWithTheException() throws Exception {
    try (Connection c = gateway.connect()) {
      JobsClient jobs = new JobsClient(c);
      String id = jobs.submit(submitJar("io.libra.testapps.FailingJob",
          ", conf => MAP['spark.ui.enabled', 'false']"));
      Map<String, Object> done = jobs.await(id, 120_000, "FINISHED", "FAILED", "KILLED", "LOST");
      assertEquals("FAILED", done.get("state"), done.toString());
      assertNotNull(done.get("exit_code"));
      assertTrue((Integer) done.get("exit_code") != 0, done.toString());
      String error = (String) done.get("error");
      assertTrue(error.contains("IllegalStateException: deliberate failure of the test job"),
          error);
    }
  }

  @Test
  void cancelledJobIsKilledAndItsDriverGone() throws Exception {
    try (Connection c = gateway.connect()) {
      JobsClient jobs = new JobsClient(c);
      String id = jobs.submit(submitJar("io.libra.testapps.SleepingJob",
          ", conf => MAP['spark.ui.enabled', 'false', 'spark.driver.memory', '600m']"));
      Map<String, Object> running = jobs.await(id, 120_000, "RUNNING", "FINISHED", "FAILED");
      assertEquals("RUNNING", running.get("state"), running.toString());
      long pid = (Long) running.get("driver_pid");
      assertTrue(ProcessHandle.of(pid).isPresent(), "driver " + pid + " is running");
      // The driver JVM has the gateway's Java 17 options (conf/jvm.properties).
      java.util.Properties jvm = new java.util.Properties();
      try (var in = Files.newBufferedReader(TestGateway.home().resolve("conf/jvm.properties"))) {
        jvm.load(in);
      }
      List<String> driverArgs = List.of(ProcessHandle.of(pid).orElseThrow().info().arguments()
          .orElseThrow());
      for (String option : jvm.getProperty("libra.jvm.options").trim().split("\\s+")) {
        assertTrue(driverArgs.contains(option), option + " missing from the driver's " + driverArgs);
      }
      // Per-job conf reaches the driver JVM: spark.driver.memory is its heap.
      assertTrue(driverArgs.contains("-Xmx600m"), driverArgs.toString());
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("CALL libra.cancel_job('" + id + "')")) {
        assertTrue(rs.next());
        assertEquals("KILLED", rs.getString("state"));
      }
      JobsClient.awaitProcessGone(pid, 20_000);
      Map<String, Object> after = jobs.status(id);
      assertEquals("KILLED", after.get("state"));
      assertEquals(true, after.get("finished"));
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*) FROM libra.jobs WHERE state = 'KILLED' AND job_id = '" + id + "'")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getLong(1));
      }
    }
  }

  @Test
  void pythonFileJobWritesParquetTheGatewayReads() throws Exception {
    String python = PySpark.python();
    Path script = gateway.workDir.resolve("apps/write_parquet.py");
    Files.writeString(script, """
        import sys
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        spark.range(5).selectExpr("id", "id * 2 AS twice").write.mode("overwrite").parquet(sys.argv[1])
        print("python-libra wrote", sys.argv[1])
        spark.stop()
        """);
    Path out = gateway.workDir.resolve("py-out.parquet");
    try (Connection c = gateway.connect()) {
      JobsClient jobs = new JobsClient(c);
      String id = jobs.submit("CALL libra.submit_job('python-file', '" + script + "', args =>"
          + " ARRAY['" + out + "'], conf => MAP['spark.pyspark.python', '" + python + "',"
          + " 'spark.ui.enabled', 'false'])");
      Map<String, Object> done = jobs.await(id, 180_000, "FINISHED", "FAILED", "KILLED", "LOST");
      assertEquals("FINISHED", done.get("state"), done + "\n" + String.join("\n", jobs.log(id, 80)));
      assertEquals("python-file", done.get("kind"));
      assertTrue(jobs.log(id, 500).contains("python-libra wrote " + out));
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*), sum(twice) FROM parquet.`" + out + "`")) {
        assertTrue(rs.next());
        assertEquals(5, rs.getLong(1));
        assertEquals(20, rs.getLong(2));
      }
    }
  }

  @Test
  void jarClassWithoutConfRunsInsideTheGatewayInTheCallersPool() throws Exception {
    Path out = gateway.workDir.resolve("in-process.txt");
    try (Connection c = gateway.connect()) {
      JobsClient jobs = new JobsClient(c);
      String id = jobs.submit("CALL libra.submit_job(kind => 'jar-class', resource => '" + jar
          + "', main_class => 'io.libra.testapps.InProcessJob', args => ARRAY['" + out + "'])");
      Map<String, Object> done = jobs.await(id, 60_000, "FINISHED", "FAILED", "KILLED", "LOST");
      assertEquals("FINISHED", done.get("state"), done.toString());
      assertEquals(0, done.get("exit_code"));
      assertEquals(null, done.get("driver_pid"));
      assertEquals("pool=default count=10", Files.readString(out));
      assertTrue(String.join("\n", jobs.log(id, 10)).contains("in-process job " + id + " finished"));
    }
  }

  @Test
  void badCallsNameTheArgument() throws Exception {
    try (Connection c = gateway.connect(); Statement s = c.createStatement()) {
      assertFails(s, "CALL libra.no_such_proc()", FlightStatusCode.INVALID_ARGUMENT,
          "unknown procedure 'libra.no_such_proc'");
      assertFails(s, "CALL libra.submit_job(kind => 'jar', main_class => 'x.Y')",
          FlightStatusCode.INVALID_ARGUMENT, "argument 'resource' of libra.submit_job is required");
      assertFails(s, submitJar("x.Y", ", args => 5"), FlightStatusCode.INVALID_ARGUMENT,
          "argument 'args' of libra.submit_job must be ARRAY[...] of strings, got 5");
      assertFails(s, "CALL libra.submit_job(kind => 'jar', resource => '/etc/hosts',"
          + " main_class => 'x.Y')", FlightStatusCode.UNAUTHORIZED,
          "argument 'resource': '/etc/hosts' is outside");
      assertFails(s, "CALL libra.submit_job(kind => 'jar', resource => '" + jar.getParent()
          + "/../../../etc/hosts', main_class => 'x.Y')", FlightStatusCode.UNAUTHORIZED,
          "is outside");
      assertFails(s, submitJar("x.Y", ", conf => MAP['spark.master', 'yarn']"),
          FlightStatusCode.UNAUTHORIZED, "argument 'conf': key 'spark.master' may not be set");
      assertFails(s, submitJar("x.Y", ", conf => MAP['spark.driver.extraJavaOptions', '-Dx=1']"),
          FlightStatusCode.UNAUTHORIZED, "key 'spark.driver.extraJavaOptions' may not be set");
      // A class from the gateway's class path instead of the jar would escape allowed-dirs.
      assertFails(s, submitJar("org.apache.spark.deploy.SparkSubmit", ""),
          FlightStatusCode.INVALID_ARGUMENT, "org.apache.spark.deploy.SparkSubmit is not in the jar");
      assertFails(s, "CALL libra.submit_job('war', '" + jar + "')",
          FlightStatusCode.INVALID_ARGUMENT, "argument 'kind' must be one of");
      assertFails(s, "CALL libra.job_status('nope')", FlightStatusCode.NOT_FOUND,
          "job 'nope' not found");
      assertFails(s, "CALL libra.job_log('nope', tail => 0)", FlightStatusCode.INVALID_ARGUMENT,
          "argument 'tail' of libra.job_log must be between");
    }
  }

  private static void assertFails(Statement s, String sql, FlightStatusCode code, String text)
      throws ReflectiveOperationException {
    SQLException e = assertThrows(SQLException.class, () -> s.executeQuery(sql).close(), sql);
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" | ");
    }
    assertEquals(code, JobsClient.status(e), sql + ": " + chain);
    assertTrue(e.getMessage().contains(text), sql + ": " + e.getMessage());
  }
}
