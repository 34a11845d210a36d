package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code LibraStatement.executeQuery(sql, onProgress)} of Libra's driver jar (alone in its class
 * loader, as a BI tool loads it): the query is polled (PollFlightInfo), the listener sees rising
 * progress below 1 and then 1, the result set holds the right rows; {@code Statement.cancel()}
 * while it is polled ends it with CANCELLED and no Spark job left; the query timeout applies.
 */
class LibraDriverProgressTest {
  private static final String TWO_STAGES = "SELECT id % 4 AS k, count(*) AS n,"
      + " sum(id + coalesce(length(s), 0)) AS total FROM (SELECT id,"
      + " java_method('java.lang.Thread', 'sleep', 750L) AS s FROM range(0, 16, 1, 8))"
      + " GROUP BY id % 4 ORDER BY k";
  private static final String SLEEP =
      "SELECT java_method('java.lang.Thread', 'sleep', 600000L) AS slept";

  private static TestGateway gateway;
  private static URLClassLoader loader;
  private static Connection connection;
  private static Class<?> libraStatement;
  private static Method polled;
  private static JobRecorder jobs;

  @BeforeAll
  static void connect() throws Exception {
    gateway = TestGateway.get();
    jobs = new JobRecorder(gateway.spark.sparkContext());
    loader = new URLClassLoader(new URL[] {JdbcValuesMatchSparkTest.driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    Driver driver = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
        .getDeclaredConstructor().newInstance();
    connection = driver.connect("jdbc:libra://127.0.0.1:" + gateway.server.port(),
        new Properties());
    libraStatement = loader.loadClass("io.libra.jdbc.LibraStatement");
    polled = libraStatement.getMethod("executeQuery", String.class, DoubleConsumer.class);
  }

  @AfterAll
  static void close() throws Exception {
    jobs.close();
    if (connection != null) {
      connection.close();
    }
    if (loader != null) {
      loader.close();
    }
  }

  private static ResultSet executeWithProgress(Statement s, String sql, DoubleConsumer progress)
      throws Exception {
    assertTrue(s.isWrapperFor(libraStatement));
    try {
      return (ResultSet) polled.invoke(s.unwrap(libraStatement), sql, progress);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  private static void awaitNoLibraJob() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!jobs.runningWithTag("libra-").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), jobs.runningWithTag("libra-"));
  }

  @Test
  void progressRisesThenTheRows() throws Exception {
    List<Double> progress = new ArrayList<>();
    List<List<Long>> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = executeWithProgress(s, TWO_STAGES, progress::add)) {
      while (rs.next()) {
        rows.add(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    System.out.println("LibraDriverProgressTest: progress per poll " + progress);
    assertEquals(1.0, progress.get(progress.size() - 1));
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= progress.get(i - 1), progress.toString());
    }
    List<Double> belowOne = progress.stream().filter(p -> p < 1).toList();
    assertTrue(belowOne.stream().distinct().count() >= 2 && belowOne.get(belowOne.size() - 1) > 0,
        progress.toString());
    List<List<Long>> expected = new ArrayList<>();
    for (long k = 0; k < 4; k++) { // java_method of a void says "null": length 4 per row
      expected.add(List.of(k, 4L, 4 * k + 24 + 16));
    }
    assertEquals(expected, rows);
  }

  @Test
  void cancelWhilePolling() throws Exception {
    List<Double> progress = new CopyOnWriteArrayList<>();
    try (Statement s = connection.createStatement()) {
      CompletableFuture<Exception> running = CompletableFuture.supplyAsync(() -> {
        try (ResultSet rs = executeWithProgress(s, SLEEP, progress::add)) {
          return null;
        } catch (Exception e) {
          return e;
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((progress.isEmpty() || jobs.runningWithTag("libra-").isEmpty())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(progress.isEmpty(), "no poll answered");
      long t0 = System.nanoTime();
      s.cancel();
      Exception e = running.get(10, TimeUnit.SECONDS);
      assertTrue(e instanceof SQLException && e.getMessage().toUpperCase().contains("CANCEL"),
          String.valueOf(e));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
      awaitNoLibraJob();
    }
    try (Statement s = connection.createStatement();
        ResultSet rs = executeWithProgress(s, "SELECT 42 AS answer", p -> { })) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }

  @Test
  void theQueryTimeoutAppliesToAPolledQuery() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(2);
      SQLException e = assertThrows(SQLException.class,
          () -> executeWithProgress(s, SLEEP, p -> { }));
      assertTrue(e.getMessage().contains("exceeded its timeout of 2 s"), e.getMessage());
      awaitNoLibraJob();
    }
  }
}
