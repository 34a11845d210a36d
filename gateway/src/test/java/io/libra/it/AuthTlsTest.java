package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.auth.UserStore;
import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway with TLS (a self-signed certificate made by the test with openssl) and password
 * authentication: Basic login gives a bearer token; wrong, missing and expired credentials are
 * UNAUTHENTICATED with a clear text; a token ends with its session (CloseSession, idle expiry);
 * a plaintext client fails fast.
 */
class AuthTlsTest {
  private static LibraServer server;
  private static Path conf;

  @BeforeAll
  static void start() throws Exception {
    TestGateway gateway = TestGateway.get();
    conf = Files.createTempDirectory("libra-auth-conf-");
    Files.createDirectories(conf.resolve("tls"));
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", conf.resolve("tls/server.key").toString(),
        "-out", conf.resolve("tls/server.crt").toString(), "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    UserStore.put(conf.resolve("users.properties"), "alice", "alice-secret".toCharArray());
    LibraConfig config = LibraConfig.load(conf, conf, Map.of(), Map.of(
        "libra.server.port", "0", "libra.auth.enabled", "true", "libra.tls.enabled", "true",
        "libra.auth.token-ttl-seconds", "3"));
    server = LibraServer.start(config, gateway.spark);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String url(String extra) {
    return "jdbc:arrow-flight-sql://127.0.0.1:" + server.port()
        + "/?useEncryption=true&disableCertificateVerification=true" + extra;
  }

  @Test
  void jdbcOverTlsWithPassword() throws Exception {
    try (Connection c = DriverManager.getConnection(url("&user=alice&password=alice-secret"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), current_user() FROM tpch.nation")) {
      assertTrue(rs.next());
      assertEquals(25, rs.getLong(1));
    }
  }

  @Test
  void wrongOrMissingCredentialsAreUnauthenticated() {
    SQLException wrong = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url("&user=alice&password=nope")).close());
    assertTrue(text(wrong).contains("invalid user name or password"), text(wrong));
    SQLException unknown = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url("&user=mallory&password=alice-secret")).close());
    assertTrue(text(unknown).contains("invalid user name or password"), text(unknown));
    SQLException none = assertThrows(SQLException.class, () -> {
      try (Connection c = DriverManager.getConnection(url(""));
          ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
        rs.next();
      }
    });
    assertTrue(text(none).contains("authentication required"), text(none));
  }

  @Test
  void bearerTokenFromLoginWorksUntilItExpires() throws Exception {
    try (RootAllocator a = new RootAllocator(); FlightClient client = FlightClient.builder(a,
        Location.forGrpcTls("127.0.0.1", server.port())).verifyServer(false).build()) {
      Optional<CredentialCallOption> bearer = client.authenticateBasicToken("alice",
          "alice-secret");
      assertTrue(bearer.isPresent(), "login returned a bearer token");
      FlightSqlClient sql = new FlightSqlClient(client);
      assertEquals(1, sql.execute("SELECT 1", bearer.get()).getEndpoints().size());

      CallHeaders forged = new FlightCallHeaders();
      forged.insert("authorization", "Bearer not-a-token");
      FlightRuntimeException bad = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1", new HeaderCallOption(forged)));
      assertEquals(FlightStatusCode.UNAUTHENTICATED, bad.status().code());

      Thread.sleep(3500); // the token's lifetime is 3 s
      FlightRuntimeException expired = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1", new CallOption[] {bearer.get()}));
      assertEquals(FlightStatusCode.UNAUTHENTICATED, expired.status().code());
      assertTrue(expired.getMessage().contains("unknown or expired"), expired.getMessage());
    }
  }

  @Test
  void closeSessionEndsTheBearerToken() throws Exception {
    try (RootAllocator a = new RootAllocator(); FlightClient client = FlightClient.builder(a,
        Location.forGrpcTls("127.0.0.1", server.port())).verifyServer(false).build()) {
      CredentialCallOption bearer = client.authenticateBasicToken("alice", "alice-secret")
          .orElseThrow();
      FlightSqlClient sql = new FlightSqlClient(client);
      assertEquals(1, sql.execute("SELECT 1", bearer).getEndpoints().size());
      assertEquals(org.apache.arrow.flight.CloseSessionResult.Status.CLOSED, client.closeSession(
          new org.apache.arrow.flight.CloseSessionRequest(), bearer).getStatus());
      FlightRuntimeException after = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1", bearer));
      assertEquals(FlightStatusCode.UNAUTHENTICATED, after.status().code(), after.getMessage());
      // Logging in again works.
      CredentialCallOption again = client.authenticateBasicToken("alice", "alice-secret")
          .orElseThrow();
      assertEquals(1, sql.execute("SELECT 1", again).getEndpoints().size());
    }
  }

  @Test
  void idleExpiryEndsTheBearerToken() throws Exception {
    LibraConfig idle = LibraConfig.load(conf, conf, Map.of(), Map.of("libra.server.port", "0",
        "libra.auth.enabled", "true", "libra.sessions.idle-timeout-seconds", "1"));
    try (LibraServer short_ = LibraServer.start(idle, TestGateway.get().spark);
        RootAllocator a = new RootAllocator(); FlightClient client = FlightClient.builder(a,
        Location.forGrpcInsecure("127.0.0.1", short_.port())).build()) {
      CredentialCallOption bearer = client.authenticateBasicToken("alice", "alice-secret")
          .orElseThrow();
      FlightSqlClient sql = new FlightSqlClient(client);
      assertEquals(1, sql.execute("SELECT 1", bearer).getEndpoints().size());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (short_.sessions().count(id -> id.startsWith("bearer-")) > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, short_.sessions().count(id -> id.startsWith("bearer-")), "session expired");
      FlightRuntimeException after = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1", bearer));
      assertEquals(FlightStatusCode.UNAUTHENTICATED, after.status().code(), after.getMessage());
    }
  }

  @Test
  void concurrentFirstCallsWithOneTokenMakeOneSession() throws Exception {
    try (RootAllocator a = new RootAllocator(); FlightClient client = FlightClient.builder(a,
        Location.forGrpcTls("127.0.0.1", server.port())).verifyServer(false).build()) {
      CredentialCallOption bearer = client.authenticateBasicToken("alice", "alice-secret")
          .orElseThrow();
      FlightSqlClient sql = new FlightSqlClient(client);
      long before = server.sessions().count(id -> id.startsWith("bearer-"));
      java.util.List<java.util.concurrent.CompletableFuture<FlightInfo>> calls =
          new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(java.util.concurrent.CompletableFuture.supplyAsync(
            () -> sql.execute("SELECT 1", bearer)));
      }
      for (var c : calls) {
        assertEquals(1, c.get(30, TimeUnit.SECONDS).getEndpoints().size());
      }
      // No cookies here: the bearer token names the session.
      assertEquals(before + 1, server.sessions().count(id -> id.startsWith("bearer-")));
    }
  }

  @Test
  void plaintextClientAgainstTlsServerFailsFast() {
    long t0 = System.nanoTime();
    String plain = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port()
        + "/?useEncryption=false&user=alice&password=alice-secret";
    assertThrows(SQLException.class, () -> DriverManager.getConnection(plain).close());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 15_000, "took " + ms + " ms");
  }

  @Test
  void nonLoopbackBindWithoutAuthIsRefused() throws Exception {
    LibraConfig open = LibraConfig.load(conf, conf, Map.of(),
        Map.of("libra.server.host", "0.0.0.0", "libra.server.port", "0"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LibraServer.start(open, TestGateway.get().spark).close());
    assertTrue(e.getMessage().contains("authentication off"), e.getMessage());
  }

  private static String text(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append(" | ");
    }
    return sb.toString();
  }
}
