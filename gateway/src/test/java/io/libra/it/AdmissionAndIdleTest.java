package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.client.ClientCookieMiddleware;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** Admission limits answer RESOURCE_EXHAUSTED naming the limit; idle sessions are reclaimed. */
class AdmissionAndIdleTest {
  private static final String SLEEP =
      "SELECT java_method('java.lang.Thread', 'sleep', 600000L) AS slept";

  private static LibraServer server(Map<String, String> settings) throws Exception {
    Path dir = Files.createTempDirectory("libra-limits-");
    Map<String, String> all = new java.util.HashMap<>();
    all.put("libra.server.port", "0");
    all.put("libra.sql.denied-functions", "");
    all.putAll(settings);
    io.libra.auth.UserStore.put(dir.resolve("users.properties"), "bob", "bob-secret".toCharArray());
    return LibraServer.start(LibraConfig.load(dir, dir, Map.of(), all), TestGateway.get().spark);
  }

  private static void assertLimit(Map<String, String> settings, String limitKey)
      throws Exception {
    try (LibraServer s = server(settings); RootAllocator a = new RootAllocator()) {
      FlightClient raw = FlightClient.builder(a, Location.forGrpcInsecure("127.0.0.1", s.port()))
          .intercept(new ClientCookieMiddleware.Factory()).build();
      org.apache.arrow.flight.CallOption[] login = "true".equals(settings.get("libra.auth.enabled"))
          ? new org.apache.arrow.flight.CallOption[] {
              raw.authenticateBasicToken("bob", "bob-secret").orElseThrow()}
          : new org.apache.arrow.flight.CallOption[0];
      assertLimit(s, new FlightSqlClient(raw), login, limitKey);
    }
  }

  private static void drain(FlightSqlClient sql, FlightInfo info,
      org.apache.arrow.flight.CallOption... options) throws Exception {
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket(), options)) {
      while (s.next()) {
        // read everything
      }
    }
  }

  private static void assertLimit(LibraServer s, FlightSqlClient sql,
      org.apache.arrow.flight.CallOption[] o, String limitKey) throws Exception {
    try (sql) {
      FlightInfo sleeping = sql.execute(SLEEP, o);
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        try {
          drain(sql, sleeping, o);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (s.runningOperations() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> drain(sql, sql.execute("SELECT 1", o), o));
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, e.status().code());
      assertTrue(e.getMessage().contains(limitKey), e.getMessage());
      sql.cancelFlightInfo(new CancelFlightInfoRequest(sleeping), o);
      assertThrows(Exception.class, () -> reader.get(10, TimeUnit.SECONDS));
      drain(sql, sql.execute("SELECT 1", o), o); // admitted again
    }
  }

  @Test
  void globalConcurrencyLimit() throws Exception {
    assertLimit(Map.of("libra.operations.max-concurrent", "1"), "libra.operations.max-concurrent");
  }

  @Test
  void perUserConcurrencyLimit() throws Exception {
    // Per user only makes sense with authentication: without it every client is "anonymous".
    assertLimit(Map.of("libra.operations.max-concurrent-per-user", "1",
        "libra.auth.enabled", "true"), "libra.operations.max-concurrent-per-user");
  }

  @Test
  void reflectionFunctionsAreDeniedByDefault() throws Exception {
    Path dir = Files.createTempDirectory("libra-deny-");
    try (LibraServer s = LibraServer.start(LibraConfig.load(dir, dir, Map.of(),
            Map.of("libra.server.port", "0")), TestGateway.get().spark);
        RootAllocator a = new RootAllocator(); FlightSqlClient sql = new FlightSqlClient(
            FlightClient.builder(a, Location.forGrpcInsecure("127.0.0.1", s.port())).build())) {
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT reflect('java.lang.System', 'exit', 1)"));
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code());
      assertTrue(e.getMessage().contains("'reflect' is disabled"), e.getMessage());
      assertEquals(1, sql.execute("SELECT 1").getEndpoints().size());
    }
  }

  @Test
  void sessionLimitCountsSessionsClientsComeBackTo() throws Exception {
    try (LibraServer s = server(Map.of("libra.sessions.max", "3",
        "libra.sessions.unclaimed-timeout-seconds", "2"));
        RootAllocator a = new RootAllocator()) {
      long before = s.sessions().count();
      // A client without cookie support keeps the session of its connection: one for 20 calls,
      // closed when the client closes its connection.
      try (FlightSqlClient noCookies = new FlightSqlClient(FlightClient.builder(a,
          Location.forGrpcInsecure("127.0.0.1", s.port())).build())) {
        for (int i = 0; i < 20; i++) {
          noCookies.execute("SELECT 1");
        }
        assertEquals(before + 1, s.sessions().count());
      }
      awaitSessions(s, before);
      // Made-up session cookies do not create sessions under those ids (they would lock everyone
      // out), nor any other session: each call is NOT_FOUND.
      try (FlightSqlClient forger = new FlightSqlClient(FlightClient.builder(a,
          Location.forGrpcInsecure("127.0.0.1", s.port())).build())) {
        for (int i = 0; i < 10; i++) {
          org.apache.arrow.flight.FlightCallHeaders h = new org.apache.arrow.flight.FlightCallHeaders();
          h.insert("cookie", "arrow_flight_session_id=forged" + i);
          FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> forger
              .execute("SELECT 1", new org.apache.arrow.flight.HeaderCallOption(h)));
          assertEquals(FlightStatusCode.NOT_FOUND, e.status().code(), e.getMessage());
        }
        assertEquals(before, s.sessions().count());
      }
      awaitSessions(s, before);
      List<FlightSqlClient> clients = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          FlightSqlClient c = new FlightSqlClient(FlightClient.builder(a,
              Location.forGrpcInsecure("127.0.0.1", s.port()))
              .intercept(new ClientCookieMiddleware.Factory()).build());
          clients.add(c);
          c.execute("SELECT 1");
          c.execute("SELECT 2");
        }
        FlightSqlClient fourth = new FlightSqlClient(FlightClient.builder(a,
            Location.forGrpcInsecure("127.0.0.1", s.port())).build());
        clients.add(fourth);
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
            () -> fourth.execute("SELECT 1"));
        assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, e.status().code());
        assertTrue(e.getMessage().contains("libra.sessions.max"), e.getMessage());
        assertEquals(3, s.sessions().count());
        // One client leaving frees its session at once: the fourth gets in.
        clients.remove(0).close();
        awaitSessions(s, 2);
        assertEquals(1, fourth.execute("SELECT 1").getEndpoints().size());
      } finally {
        for (FlightSqlClient c : clients) {
          c.close();
        }
      }
    }
  }

  @Test
  void metadataCallsPassAdmissionLikeStatements() throws Exception {
    try (LibraServer s = server(Map.of("libra.operations.max-concurrent", "1",
        "libra.operations.admission-wait-ms", "100"));
        RootAllocator a = new RootAllocator();
        FlightSqlClient busy = new FlightSqlClient(FlightClient.builder(a,
            Location.forGrpcInsecure("127.0.0.1", s.port())).build());
        FlightSqlClient meta = new FlightSqlClient(FlightClient.builder(a,
            Location.forGrpcInsecure("127.0.0.1", s.port())).build())) {
      FlightInfo slow = busy.execute(SLEEP);
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        try {
          drain(busy, slow);
        } catch (Exception e) {
          // cancelled below
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (s.runningOperations() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      FlightInfo tables = meta.getTables(null, null, null, null, false);
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> drain(meta, tables));
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, e.status().code());
      assertTrue(e.getMessage().contains("libra.operations.max-concurrent"), e.getMessage());
      busy.cancelFlightInfo(new CancelFlightInfoRequest(slow));
      reader.get(10, TimeUnit.SECONDS);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (s.runningOperations() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      drain(meta, meta.getTables(null, null, null, null, false));
    }
  }

  @Test
  void withoutConnectionLookupsCookielessCallsGetShortLivedSessions() throws Exception {
    // Behind a proxy (libra.sessions.identify-by without 'connection') a cookie-less client gets
    // a new session per call; those do not count against the limit and go away quickly.
    try (LibraServer s = server(Map.of("libra.sessions.max", "2",
        "libra.sessions.unclaimed-timeout-seconds", "2",
        "libra.sessions.identify-by", "cookie,token"));
        RootAllocator a = new RootAllocator();
        FlightSqlClient noCookies = new FlightSqlClient(FlightClient.builder(a,
            Location.forGrpcInsecure("127.0.0.1", s.port())).build())) {
      for (int i = 0; i < 10; i++) {
        noCookies.execute("SELECT 1");
      }
      assertTrue(s.sessions().count() >= 5, "sessions: " + s.sessions().count());
      awaitSessions(s, 0);
    }
  }

  private static void awaitSessions(LibraServer s, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (s.sessions().count() != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, s.sessions().count());
  }

  @Test
  void closedConnectionsReleaseTheirSessionsAtOnceAndIdleOnesExpire() throws Exception {
    try (LibraServer s = server(Map.of("libra.sessions.idle-timeout-seconds", "3"))) {
      long sessionsBefore = s.sessions().count();
      long bytesBefore = s.allocatedBytes();
      String url = "jdbc:arrow-flight-sql://127.0.0.1:" + s.port() + "/?useEncryption=false";
      for (int i = 0; i < 200; i++) {
        Connection c = DriverManager.getConnection(url);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
          assertTrue(rs.next());
        }
        c.close(); // the driver sends no CloseSession: the connection's end closes the session
      }
      long t0 = System.nanoTime();
      awaitSessions(s, sessionsBefore);
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2),
          "sessions closed with their connections, not by the idle timeout");
      // A connection that stays open but idle is reclaimed after the idle timeout.
      try (Connection idle = DriverManager.getConnection(url)) {
        try (Statement st = idle.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
          assertTrue(rs.next());
        }
        assertEquals(sessionsBefore + 1, s.sessions().count());
        awaitSessions(s, sessionsBefore);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (s.allocatedBytes() != bytesBefore && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(bytesBefore, s.allocatedBytes());
    }
  }
}
