package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The session owns its statements. Two clients with their default settings (no cookie, no
 * token: each has the session of its connection): a prepared statement handle and a ticket taken
 * from A and used by B are NOT_FOUND — never executed, never cancelled — and A's still work;
 * closing a client's connection releases its prepared statements, unread tickets and running
 * statements at once; CloseSession closes only the caller's own session.
 */
class SessionOwnershipTest {
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

  private static FlightClient raw() {
    return FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build();
  }

  private static long rows(FlightSqlClient sql, Ticket ticket) throws Exception {
    long n = 0;
    try (FlightStream s = sql.getStream(ticket)) {
      while (s.next()) {
        n += s.getRoot().getRowCount();
      }
    }
    return n;
  }

  private static FlightStatusCode code(Runnable call) {
    return assertThrows(FlightRuntimeException.class, call::run).status().code();
  }

  @Test
  void handlesAndTicketsOfAnotherSessionAreNotFound() throws Exception {
    try (FlightClient rawA = raw(); FlightClient rawB = raw();
        FlightSqlClient a = new FlightSqlClient(rawA); FlightSqlClient b = new FlightSqlClient(rawB);
        FlightSqlClient.PreparedStatement prepared = a.prepare("SELECT id FROM range(7)")) {
      // The prepared statement's handle, as A's FlightInfo descriptor carries it.
      FlightInfo viaA = prepared.execute();
      assertEquals(7, rows(a, viaA.getEndpoints().get(0).getTicket()));
      CommandPreparedStatementQuery command = Any.parseFrom(viaA.getDescriptor().getCommand())
          .unpack(CommandPreparedStatementQuery.class);
      FlightDescriptor stolen = FlightDescriptor.command(Any.pack(command).toByteArray());
      assertEquals(FlightStatusCode.NOT_FOUND, code(() -> rawB.getInfo(stolen)));
      // A's ticket read by B: NOT_FOUND, and A still reads it afterwards.
      FlightInfo info = a.execute("SELECT id FROM range(5)");
      Ticket ticket = info.getEndpoints().get(0).getTicket();
      assertEquals(FlightStatusCode.NOT_FOUND, code(() -> {
        try (FlightStream s = b.getStream(ticket)) {
          s.next();
        } catch (FlightRuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
      assertEquals(5, rows(a, ticket));
      // A's handle still executes for A.
      assertEquals(7, rows(a, prepared.execute().getEndpoints().get(0).getTicket()));

      // B cannot cancel A's running statement.
      FlightInfo slow = a.execute(SLOW);
      CompletableFuture<FlightStatusCode> reader = CompletableFuture.supplyAsync(() -> {
        try {
          rows(a, slow.getEndpoints().get(0).getTicket());
          return FlightStatusCode.OK;
        } catch (FlightRuntimeException e) {
          return e.status().code();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      awaitJobs(1);
      assertEquals(FlightStatusCode.NOT_FOUND,
          code(() -> b.cancelFlightInfo(new CancelFlightInfoRequest(slow))));
      Thread.sleep(200);
      assertEquals(1, jobs.runningWithTag("libra-").size(), "A's statement still runs");
      assertEquals(CancelStatus.CANCELLED,
          a.cancelFlightInfo(new CancelFlightInfoRequest(slow)).getStatus());
      assertEquals(FlightStatusCode.CANCELLED, reader.get(10, TimeUnit.SECONDS));
      awaitJobs(0);
    }
  }

  @Test
  void closingTheConnectionReleasesEverythingTheSessionHolds() throws Exception {
    long sessions = gateway.server.sessions().count();
    long prepared = gateway.server.openPreparedStatements();
    long tickets = gateway.server.unreadTickets();
    // A channel of its own, so the test can drop the connection as a crashing client would
    // (FlightClient.close waits for the running call).
    io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder
        .forAddress("127.0.0.1", gateway.server.port()).usePlaintext().build();
    FlightClient raw = org.apache.arrow.flight.FlightGrpcUtils.createFlightClient(allocator,
        channel);
    FlightSqlClient c = new FlightSqlClient(raw);
    c.prepare("SELECT id FROM range(3)"); // never closed by the client
    c.execute("SELECT id FROM range(3)"); // its ticket never read
    FlightInfo slow = c.execute(SLOW);
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      try {
        rows(c, slow.getEndpoints().get(0).getTicket());
      } catch (Exception e) {
        // the connection goes away under it
      }
    });
    awaitJobs(1);
    assertEquals(sessions + 1, gateway.server.sessions().count());
    assertEquals(prepared + 1, gateway.server.openPreparedStatements());
    assertEquals(tickets + 1, gateway.server.unreadTickets());
    long t0 = System.nanoTime();
    channel.shutdownNow(); // no CloseSession, no ClosePreparedStatement: the connection ends
    awaitJobs(0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (gateway.server.sessions().count() != sessions && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "released within 2 s");
    assertEquals(sessions, gateway.server.sessions().count());
    assertEquals(prepared, gateway.server.openPreparedStatements());
    assertEquals(tickets, gateway.server.unreadTickets());
    reader.get(10, TimeUnit.SECONDS);
    raw.close();
  }

  @Test
  void closeSessionClosesOnlyTheCallersSession() throws Exception {
    try (FlightClient rawA = raw(); FlightClient rawB = raw();
        FlightSqlClient a = new FlightSqlClient(rawA); FlightSqlClient b = new FlightSqlClient(rawB)) {
      a.executeUpdate("SET spark.sql.shuffle.partitions=3");
      b.executeUpdate("SET spark.sql.shuffle.partitions=5");
      long sessions = gateway.server.sessions().count();
      assertEquals(CloseSessionResult.Status.CLOSED,
          rawA.closeSession(new CloseSessionRequest()).getStatus());
      assertEquals(sessions - 1, gateway.server.sessions().count());
      assertEquals(FlightStatusCode.NOT_FOUND,
          code(() -> rawA.closeSession(new CloseSessionRequest())));
      // B's session and its settings are untouched.
      FlightInfo info = b.execute("SET spark.sql.shuffle.partitions");
      try (FlightStream s = b.getStream(info.getEndpoints().get(0).getTicket())) {
        assertTrue(s.next());
        assertEquals("5", s.getRoot().getVector(1).getObject(0).toString());
      }
      // A's next call opens a fresh session on its connection, without A's setting.
      FlightInfo fresh = a.execute("SET spark.sql.shuffle.partitions");
      try (FlightStream s = a.getStream(fresh.getEndpoints().get(0).getTicket())) {
        assertTrue(s.next());
        assertEquals("4", s.getRoot().getVector(1).getObject(0).toString());
      }
    }
  }

  private static void awaitJobs(int expected) throws Exception {
    jobs.awaitLibraJobs(expected, 20);
  }
}
