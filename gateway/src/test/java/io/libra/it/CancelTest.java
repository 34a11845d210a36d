package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.client.ClientCookieMiddleware;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a 10-minute query (CancelFlightInfo during and before the stream, the client dropping
 * its stream, JDBC Statement.cancel): the client sees CANCELLED within 3 s, no Spark job with the
 * query's tag is left running, and the session keeps working.
 */
class CancelTest {
  private static final String SLEEP =
      "SELECT java_method('java.lang.Thread', 'sleep', 600000L) AS slept";
  private static TestGateway gateway;
  private static BufferAllocator allocator;
  private static FlightSqlClient sql;
  private static JobRecorder jobs;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
    allocator = new RootAllocator();
    sql = new FlightSqlClient(FlightClient.builder(allocator,
            Location.forGrpcInsecure("127.0.0.1", gateway.server.port()))
        .intercept(new ClientCookieMiddleware.Factory()).build());
    jobs = new JobRecorder(gateway.spark.sparkContext());
  }

  @AfterAll
  static void stop() throws Exception {
    jobs.close();
    sql.close();
    allocator.close();
    gateway.assertAllocatorReleased();
  }

  private static void awaitRunningJobs(int atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (jobs.runningWithTag("libra-").size() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(jobs.runningWithTag("libra-").size() >= atLeast, "the query's job never started");
  }

  private static void assertNoLibraJobRunning() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!jobs.runningWithTag("libra-").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(java.util.List.of(), jobs.runningWithTag("libra-"));
  }

  private static long drain(FlightInfo info) throws Exception {
    long rows = 0;
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      while (s.next()) {
        rows += s.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private static void assertSessionWorks() throws Exception {
    assertEquals(1, drain(sql.execute("SELECT 1")));
  }

  @Test
  void cancelFlightInfoWhileStreaming() throws Exception {
    FlightInfo info = sql.execute(SLEEP);
    CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
      try {
        return drain(info);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    awaitRunningJobs(1);
    Thread.sleep(2000);
    long t0 = System.nanoTime();
    assertEquals(CancelStatus.CANCELLED,
        sql.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus());
    Throwable e = assertThrows(Exception.class, () -> reader.get(10, TimeUnit.SECONDS)).getCause();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(e instanceof FlightRuntimeException, String.valueOf(e));
    assertEquals(FlightStatusCode.CANCELLED, ((FlightRuntimeException) e).status().code());
    assertTrue(ms < 3000, "cancelled after " + ms + " ms");
    assertNoLibraJobRunning();
    assertSessionWorks();
    // Cancelling again: the query has ended.
    assertEquals(CancelStatus.NOT_CANCELLABLE,
        sql.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus());
  }

  @Test
  void cancelFlightInfoBeforeTheStreamStarts() throws Exception {
    FlightInfo info = sql.execute(SLEEP);
    assertEquals(CancelStatus.CANCELLED,
        sql.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus());
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> drain(info));
    assertEquals(FlightStatusCode.CANCELLED, e.status().code());
    assertNoLibraJobRunning();
    assertSessionWorks();
  }

  @Test
  void clientDroppingItsStreamCancelsTheJobs() throws Exception {
    // 8 partitions: the first row comes at once, the other partitions sleep for 10 minutes.
    FlightInfo info = sql.execute("SELECT id, java_method('java.lang.Thread', 'sleep',"
        + " CASE WHEN id = 0 THEN 0L ELSE 600000L END) AS slept FROM range(0, 8, 1, 8)");
    FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket());
    assertTrue(stream.next());
    assertEquals(1, stream.getRoot().getRowCount());
    awaitRunningJobs(1);
    stream.cancel("client gives up", null);
    try {
      stream.close();
    } catch (Exception ignored) {
      // closing a cancelled stream may report the cancellation
    }
    assertNoLibraJobRunning();
    assertSessionWorks();
  }

  @Test
  void closingTheSessionCancelsItsQueries() throws Exception {
    try (RootAllocator a = new RootAllocator(); FlightSqlClient own = new FlightSqlClient(
        FlightClient.builder(a, Location.forGrpcInsecure("127.0.0.1", gateway.server.port()))
            .intercept(new ClientCookieMiddleware.Factory()).build())) {
      own.execute("SELECT 1"); // the server sets the session cookie
      long sessions = gateway.server.sessions().count();
      FlightInfo info = own.execute(SLEEP);
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        try (FlightStream s = own.getStream(info.getEndpoints().get(0).getTicket())) {
          while (s.next()) {
            // wait
          }
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      awaitRunningJobs(1);
      assertEquals(org.apache.arrow.flight.CloseSessionResult.Status.CLOSED,
          own.closeSession(new org.apache.arrow.flight.CloseSessionRequest()).getStatus());
      Throwable e = assertThrows(Exception.class, () -> reader.get(10, TimeUnit.SECONDS))
          .getCause();
      assertEquals(FlightStatusCode.CANCELLED, ((FlightRuntimeException) e).status().code());
      assertNoLibraJobRunning();
      assertEquals(sessions - 1, gateway.server.sessions().count());
    }
  }

  @Test
  void jdbcStatementCancel() throws Exception {
    try (Connection c = gateway.connect(); Statement s = c.createStatement()) {
      CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
        try {
          awaitRunningJobs(1);
          Thread.sleep(2000);
          s.cancel();
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      long t0 = System.nanoTime();
      SQLException e = assertThrows(SQLException.class, () -> {
        try (ResultSet rs = s.executeQuery(SLEEP)) {
          rs.next();
        }
      });
      cancel.get(10, TimeUnit.SECONDS);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 2000 + 3000 + 30_000, "took " + ms + " ms: " + e);
      assertNoLibraJobRunning();
      try (Statement again = c.createStatement(); ResultSet rs = again.executeQuery("SELECT 42")) {
        assertTrue(rs.next());
        assertEquals(42, rs.getInt(1));
      }
    }
  }
}
