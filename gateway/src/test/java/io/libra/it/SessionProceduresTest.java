package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Table {@code libra.sessions} (an admin sees every open session, a user their own) and
 * {@code CALL libra.cancel_statement(id)} / {@code CALL libra.close_session(id)} by the public
 * ids it and the Spark UI's job tags show: an admin ends another user's statement (its client sees
 * CANCELLED, its Spark job stops) and session (its bearer token stops working); a user without
 * the role gets NOT_FOUND for another user's. Through FlightSqlClient, authentication on.
 */
class SessionProceduresTest {
  private record Client(FlightClient raw, FlightSqlClient sql, CallOption auth)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      sql.close();
    }
  }

  private static Client login(RootAllocator a, LibraServer server, String user) {
    FlightClient raw = FlightClient.builder(a, Location.forGrpcInsecure("127.0.0.1",
        server.port())).build();
    return new Client(raw, new FlightSqlClient(raw),
        raw.authenticateBasicToken(user, user + "-pw").orElseThrow());
  }

  private static String firstValue(Client c, String sql) throws Exception {
    FlightInfo info = c.sql().execute(sql, c.auth());
    try (FlightStream s = c.sql().getStream(info.getEndpoints().get(0).getTicket(), c.auth())) {
      assertTrue(s.next());
      return String.valueOf(s.getRoot().getVector(1).getObject(0));
    }
  }

  /** Every row of the result, each value as text. */
  private static java.util.List<java.util.List<String>> table(Client c, String sql)
      throws Exception {
    java.util.List<java.util.List<String>> out = new java.util.ArrayList<>();
    FlightInfo info = c.sql().execute(sql, c.auth());
    try (FlightStream s = c.sql().getStream(info.getEndpoints().get(0).getTicket(), c.auth())) {
      while (s.next()) {
        for (int r = 0; r < s.getRoot().getRowCount(); r++) {
          java.util.List<String> row = new java.util.ArrayList<>();
          for (var v : s.getRoot().getFieldVectors()) {
            row.add(String.valueOf(v.getObject(r)));
          }
          out.add(row);
        }
      }
    }
    return out;
  }

  private static long rows(Client c, FlightInfo info) throws Exception {
    long n = 0;
    try (FlightStream s = c.sql().getStream(info.getEndpoints().get(0).getTicket(), c.auth())) {
      while (s.next()) {
        n += s.getRoot().getRowCount();
      }
    }
    return n;
  }

  /**
   * Streams, in the background, a query of one task sleeping a minute (the other core stays free
   * for libra.sessions' scans); completes with the status the client ends with.
   */
  private static CompletableFuture<FlightStatusCode> sleepAMinute(Client c) throws Exception {
    FlightInfo slow = c.sql().execute("SELECT count(*) FROM range(0, 1, 1, 1)"
        + " WHERE java_method('java.lang.Thread', 'sleep', 60000L) IS NULL", c.auth());
    return CompletableFuture.supplyAsync(() -> {
      try {
        rows(c, slow);
        return FlightStatusCode.OK;
      } catch (FlightRuntimeException e) {
        return e.status().code();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  @Test
  void anAdminEndsAnotherUsersStatementAndSession() throws Exception {
    try (LibraServer server = AuthGateway.start(Files.createTempDirectory("libra-procs-"),
            List.of("alice", "bob", "dave"), "dave = admin\n",
            "libra.sql.denied-functions", "transform");
        RootAllocator a = new RootAllocator();
        JobRecorder jobs = new JobRecorder(TestGateway.get().spark.sparkContext())) {
      try (Client alice = login(a, server, "alice");
          Client bob = login(a, server, "bob");
          Client dave = login(a, server, "dave")) {
        CompletableFuture<FlightStatusCode> reader = sleepAMinute(alice);
        jobs.awaitLibraJobs(1, 30);
        // What an operator sees in the Spark UI: libra-user-alice-session-<id>-op-<id>.
        String tag = jobs.runningWithTag("libra-user-alice-").get(0).tags();
        String statement = tag.replaceAll(".*-op-([0-9a-f]{12}).*", "$1");
        String session = tag.replaceAll(".*-session-([0-9a-f]{12})-op-.*", "$1");
        // libra.sessions: an admin sees every session, a user only their own.
        java.util.List<java.util.List<String>> bobs = table(bob, "SELECT user FROM libra.sessions");
        assertEquals(java.util.List.of(java.util.List.of("bob")), bobs);
        java.util.List<java.util.List<String>> all = table(dave, "SELECT session_id, user,"
            + " client_address, running_statements FROM libra.sessions ORDER BY user");
        assertEquals(java.util.List.of("alice", "bob", "dave"),
            all.stream().map(r -> r.get(1)).toList(), all.toString());
        assertEquals(java.util.List.of(session, "alice", "127.0.0.1", "1"), all.get(0));
        FlightRuntimeException notHis = assertThrows(FlightRuntimeException.class, () ->
            firstValue(bob, "CALL libra.cancel_statement('" + statement + "')"));
        assertEquals(FlightStatusCode.NOT_FOUND, notHis.status().code(), notHis.getMessage());
        assertEquals("alice", firstValue(dave, "CALL libra.cancel_statement('" + statement + "')"));
        assertEquals(FlightStatusCode.CANCELLED, reader.get(30, TimeUnit.SECONDS));
        jobs.awaitLibraJobs(0, 30);
        // Her session goes on until the admin closes it; then her token ends with it.
        assertEquals(3, rows(alice, alice.sql().execute("SELECT id FROM range(3)", alice.auth())));
        assertThrows(FlightRuntimeException.class, () ->
            firstValue(bob, "CALL libra.close_session('" + session + "')"));
        assertEquals("alice", firstValue(dave, "CALL libra.close_session('" + session + "')"));
        FlightRuntimeException after = assertThrows(FlightRuntimeException.class,
            () -> alice.sql().execute("SELECT 1", alice.auth()));
        assertEquals(FlightStatusCode.UNAUTHENTICATED, after.status().code(), after.getMessage());
        FlightRuntimeException gone = assertThrows(FlightRuntimeException.class, () ->
            firstValue(dave, "CALL libra.close_session('" + session + "')"));
        assertEquals(FlightStatusCode.NOT_FOUND, gone.status().code());
      }
    }
  }

  @Test
  void anAdminEndsASessionOnAGatewayWhoseSlotsAreAllTaken() throws Exception {
    try (LibraServer server = AuthGateway.start(Files.createTempDirectory("libra-procs-full-"),
            List.of("alice", "dave"), "dave = admin\n", "libra.sql.denied-functions", "transform",
            "libra.operations.max-concurrent", "1", "libra.operations.admission-wait-ms", "0");
        RootAllocator a = new RootAllocator();
        JobRecorder jobs = new JobRecorder(TestGateway.get().spark.sparkContext())) {
      try (Client alice = login(a, server, "alice");
          Client other = login(a, server, "alice");
          Client dave = login(a, server, "dave")) {
        CompletableFuture<FlightStatusCode> reader = sleepAMinute(alice);
        jobs.awaitLibraJobs(1, 30);
        String tag = jobs.runningWithTag("libra-user-alice-").get(0).tags();
        String session = tag.replaceAll(".*-session-([0-9a-f]{12})-op-.*", "$1");
        // The one slot is alice's: her next statement is refused ...
        FlightRuntimeException full = assertThrows(FlightRuntimeException.class,
            () -> other.sql().execute("SELECT 1", other.auth()));
        assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, full.status().code());
        // ... and the admin still ends her session, on the slot kept for admins.
        assertEquals("alice", firstValue(dave, "CALL libra.close_session('" + session + "')"));
        assertEquals(FlightStatusCode.CANCELLED, reader.get(10, TimeUnit.SECONDS));
      }
    }
  }
}
