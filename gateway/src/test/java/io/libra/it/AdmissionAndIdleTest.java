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
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.put("libra.server.port", "0");
    return LibraServer.start(LibraConfig.load(dir, dir, Map.of(), all), TestGateway.get().spark);
  }

  private static FlightSqlClient client(RootAllocator a, LibraServer s) {
    return new FlightSqlClient(FlightClient.builder(a,
            Location.forGrpcInsecure("127.0.0.1", s.port()))
        .intercept(new ClientCookieMiddleware.Factory()).build());
  }

  private static void drain(FlightSqlClient sql, FlightInfo info) throws Exception {
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      while (s.next()) {
        // read everything
      }
    }
  }

  private static void assertLimit(Map<String, String> settings, String limitKey)
      throws Exception {
    try (LibraServer s = server(settings); RootAllocator a = new RootAllocator();
        FlightSqlClient sql = client(a, s)) {
      FlightInfo sleeping = sql.execute(SLEEP);
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        try {
          drain(sql, sleeping);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (s.runningOperations() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> drain(sql, sql.execute("SELECT 1")));
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, e.status().code());
      assertTrue(e.getMessage().contains(limitKey), e.getMessage());
      sql.cancelFlightInfo(new CancelFlightInfoRequest(sleeping));
      assertThrows(Exception.class, () -> reader.get(10, TimeUnit.SECONDS));
      drain(sql, sql.execute("SELECT 1")); // admitted again
    }
  }

  @Test
  void globalConcurrencyLimit() throws Exception {
    assertLimit(Map.of("libra.operations.max-concurrent", "1"), "libra.operations.max-concurrent");
  }

  @Test
  void perUserConcurrencyLimit() throws Exception {
    assertLimit(Map.of("libra.operations.max-concurrent-per-user", "1"),
        "libra.operations.max-concurrent-per-user");
  }

  @Test
  void sessionLimit() throws Exception {
    try (LibraServer s = server(Map.of("libra.sessions.max", "3"));
        RootAllocator a = new RootAllocator()) {
      // A client without cookie support opens a new session on every call.
      try (FlightSqlClient noCookies = new FlightSqlClient(FlightClient.builder(a,
          Location.forGrpcInsecure("127.0.0.1", s.port())).build())) {
        for (int i = 0; i < 3; i++) {
          noCookies.execute("SELECT 1");
        }
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
            () -> noCookies.execute("SELECT 1"));
        assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, e.status().code());
        assertTrue(e.getMessage().contains("libra.sessions.max"), e.getMessage());
      }
    }
  }

  @Test
  void abandonedConnectionsAreReclaimedAfterTheIdleTimeout() throws Exception {
    try (LibraServer s = server(Map.of("libra.sessions.idle-timeout-seconds", "5"))) {
      long sessionsBefore = s.sessions().count();
      long bytesBefore = s.allocatedBytes();
      String url = "jdbc:arrow-flight-sql://127.0.0.1:" + s.port() + "/?useEncryption=false";
      for (int i = 0; i < 200; i++) {
        Connection c = DriverManager.getConnection(url);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
          assertTrue(rs.next());
        }
        c.close(); // the driver sends no CloseSession: the server session is abandoned
      }
      // Sessions idle for 5 s expire even while the loop runs; the recent ones are still open.
      assertTrue(s.sessions().count() >= sessionsBefore + 20, "sessions: " + s.sessions().count());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((s.sessions().count() != sessionsBefore || s.allocatedBytes() != bytesBefore)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(sessionsBefore, s.sessions().count());
      assertEquals(bytesBefore, s.allocatedBytes());
    }
  }
}
