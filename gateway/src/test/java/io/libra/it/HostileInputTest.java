package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.auth.UserStore;
import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input from logged-in users (authentication on, alice and bob, no roles): huge and
 * deeply nested statements are refused with INVALID_ARGUMENT before they are parsed, while another
 * session keeps answering; ids and descriptors that are not ours are INVALID_ARGUMENT, not
 * INTERNAL; and bob can neither read, execute nor cancel alice's statements (NOT_FOUND).
 */
class HostileInputTest {
  private static LibraServer server;
  private static RootAllocator allocator;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("libra-hostile-");
    UserStore.put(dir.resolve("users.properties"), "alice", "alice-secret".toCharArray());
    UserStore.put(dir.resolve("users.properties"), "bob", "bob-secret".toCharArray());
    server = LibraServer.start(LibraConfig.load(dir, dir, Map.of(), Map.of(
        "libra.server.port", "0", "libra.auth.enabled", "true",
        "libra.sql.denied-functions", "")), TestGateway.get().spark);
    allocator = new RootAllocator();
  }

  @AfterAll
  static void stop() throws Exception {
    allocator.close();
    server.close();
  }

  /** A logged-in client: its FlightClient, SQL client and bearer-token call option. */
  private record Client(FlightClient raw, FlightSqlClient sql, CallOption auth)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      sql.close();
    }
  }

  private static Client login(String user, String password) {
    FlightClient raw = FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", server.port())).build();
    CallOption auth = raw.authenticateBasicToken(user, password).orElseThrow();
    return new Client(raw, new FlightSqlClient(raw), auth);
  }

  private static FlightRuntimeException fails(Runnable call) {
    return assertThrows(FlightRuntimeException.class, call::run);
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

  /** {@code sql} is refused with INVALID_ARGUMENT naming {@code setting} within 5 s, while bob's
   * SELECT 1 keeps answering in under a second. */
  private static void refusedQuickly(String sql, String setting) throws Exception {
    try (Client alice = login("alice", "alice-secret"); Client bob = login("bob", "bob-secret")) {
      CompletableFuture<Long> others = CompletableFuture.supplyAsync(() -> {
        long worst = 0;
        try {
          for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            rows(bob, bob.sql().execute("SELECT 1", bob.auth()));
            worst = Math.max(worst, System.nanoTime() - t0);
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
        return worst;
      });
      long t0 = System.nanoTime();
      FlightRuntimeException e = fails(() -> alice.sql().execute(sql, alice.auth()));
      long took = System.nanoTime() - t0;
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code(), e.getMessage());
      assertTrue(e.getMessage().contains(setting), e.getMessage());
      assertTrue(took < TimeUnit.SECONDS.toNanos(5), "refused after " + took / 1e9 + " s");
      long worst = others.get(30, TimeUnit.SECONDS);
      assertTrue(worst < TimeUnit.SECONDS.toNanos(1), "SELECT 1 took " + worst / 1e9 + " s");
    }
  }

  @Test
  void aTenMegabyteStatementIsRefusedBeforeParsing() throws Exception {
    StringBuilder sql = new StringBuilder("SELECT 1 WHERE 1 IN (0");
    while (sql.length() < 10_000_000) {
      sql.append(",1234567");
    }
    refusedQuickly(sql.append(")").toString(), "libra.sql.max-text-bytes");
  }

  @Test
  void fiftyThousandNestedParenthesesAreRefusedBeforeParsing() throws Exception {
    String sql = "SELECT " + "(".repeat(50_000) + "1" + ")".repeat(50_000);
    refusedQuickly(sql, "libra.sql.max-nesting-depth");
  }

  @Test
  void ordinaryNestingStillWorks() throws Exception {
    try (Client alice = login("alice", "alice-secret")) {
      String sql = "SELECT " + "(".repeat(100) + "41 + 1" + ")".repeat(100)
          + " AS x, '((((' AS s -- ((((((\n";
      assertEquals(1, rows(alice, alice.sql().execute(sql, alice.auth())));
    }
  }

  @Test
  void malformedIdsAndDescriptorsAreInvalidArgumentNotInternal() throws Exception {
    try (Client alice = login("alice", "alice-secret")) {
      FlightRuntimeException id = fails(() -> {
        try {
          rows(alice, alice.sql().execute("CALL libra.job_status('" + "x".repeat(5000) + "')",
              alice.auth()));
        } catch (FlightRuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, id.status().code(), id.getMessage());
      assertTrue(id.getMessage().contains("is not a job id"), id.getMessage());
      try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(java.util.List.of()),
          allocator)) {
        SyncPutListener ack = new SyncPutListener();
        FlightClient.ClientStreamListener put = alice.raw().startPut(
            FlightDescriptor.path("etc", "passwd"), root, ack, alice.auth());
        put.completed();
        FlightRuntimeException path = fails(() -> put.getResult());
        assertEquals(FlightStatusCode.INVALID_ARGUMENT, path.status().code(), path.getMessage());
        ack.close();
      }
    }
  }

  @Test
  void oversizedHeadersAreInvalidArgumentAndTheConnectionGoesOn() throws Exception {
    try (Client alice = login("alice", "alice-secret")) {
      org.apache.arrow.flight.FlightCallHeaders big = new org.apache.arrow.flight.FlightCallHeaders();
      big.insert("x-padding", "x".repeat(64 * 1024));
      FlightRuntimeException e = fails(() -> alice.sql().execute("SELECT 1", alice.auth(),
          new org.apache.arrow.flight.HeaderCallOption(big)));
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code(), e.getMessage());
      assertTrue(e.getMessage().contains("libra.server.max-header-bytes"), e.getMessage());
      // Also before logging in (the header check runs before authentication).
      try (FlightClient raw = FlightClient.builder(allocator,
          Location.forGrpcInsecure("127.0.0.1", server.port())).build()) {
        FlightRuntimeException login = fails(() -> raw.authenticateBasicToken("alice",
            "y".repeat(20_000)));
        assertEquals(FlightStatusCode.INVALID_ARGUMENT, login.status().code(), login.getMessage());
      }
      assertEquals(1, rows(alice, alice.sql().execute("SELECT 1", alice.auth())));
    }
  }

  @Test
  void anotherUsersStatementsAreNotFound() throws Exception {
    try (Client alice = login("alice", "alice-secret"); Client bob = login("bob", "bob-secret")) {
      // bob reads alice's ticket or executes her prepared statement: NOT_FOUND; hers still work.
      FlightInfo aliceSmall = alice.sql().execute("SELECT id FROM range(3)", alice.auth());
      FlightRuntimeException read = fails(() -> {
        try {
          rows(bob, aliceSmall);
        } catch (FlightRuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertEquals(FlightStatusCode.NOT_FOUND, read.status().code());
      assertEquals(3, rows(alice, aliceSmall));
      FlightSqlClient.PreparedStatement prepared = alice.sql().prepare(
          "SELECT id FROM range(4)", alice.auth());
      try {
        FlightInfo viaAlice = prepared.execute(alice.auth());
        CommandPreparedStatementQuery command = com.google.protobuf.Any.parseFrom(
            viaAlice.getDescriptor().getCommand()).unpack(CommandPreparedStatementQuery.class);
        FlightRuntimeException exec = fails(() -> bob.raw().getInfo(FlightDescriptor.command(
            com.google.protobuf.Any.pack(command).toByteArray()), bob.auth()));
        assertEquals(FlightStatusCode.NOT_FOUND, exec.status().code());
        assertEquals(4, rows(alice, viaAlice));
      } finally {
        prepared.close(alice.auth());
      }

      // bob cancels alice's running statement with her FlightInfo: NOT_FOUND, and it runs on.
      FlightInfo aliceQuery = alice.sql().execute(JobRecorder.SLEEPING_JOB, alice.auth());
      CompletableFuture<FlightStatusCode> reader = CompletableFuture.supplyAsync(() -> {
        try {
          rows(alice, aliceQuery);
          return FlightStatusCode.OK;
        } catch (FlightRuntimeException e) {
          return e.status().code();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.runningOperations() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      FlightRuntimeException cancel = fails(() -> bob.sql().cancelFlightInfo(
          new CancelFlightInfoRequest(aliceQuery), bob.auth()));
      assertEquals(FlightStatusCode.NOT_FOUND, cancel.status().code());
      Thread.sleep(200);
      assertEquals(1, server.runningOperations(), "alice's statement still runs");
      alice.sql().cancelFlightInfo(new CancelFlightInfoRequest(aliceQuery), alice.auth());
      assertEquals(FlightStatusCode.CANCELLED, reader.get(10, TimeUnit.SECONDS));
    }
  }
}
