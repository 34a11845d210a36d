package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightClientMiddleware;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.client.ClientCookieMiddleware;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Flight RPC spec's answers for sessions, on a gateway that identifies sessions by cookie (as
 * behind a proxy: {@code libra.sessions.identify-by=cookie,token}): CloseSession of a closed
 * session is NOT_FOUND; a call with a closed or unknown session's cookie is NOT_FOUND saying to
 * reconnect, never a silent new session; after CloseSession the response expires the cookie, so a
 * cookie client's next call opens a fresh session; a cookie-less call opens one as before.
 */
class SessionNotFoundTest {
  private static LibraServer server;
  private static RootAllocator allocator;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("libra-sessions-");
    server = LibraServer.start(LibraConfig.load(dir, dir, Map.of(), Map.of(
        "libra.server.port", "0", "libra.sql.denied-functions", "",
        "libra.sessions.identify-by", "cookie,token")), TestGateway.get().spark);
    allocator = new RootAllocator();
  }

  @AfterAll
  static void stop() throws Exception {
    allocator.close();
    server.close();
  }

  /** Records every {@code Set-Cookie} the server answers. */
  private static final class SetCookies implements FlightClientMiddleware.Factory {
    final List<String> values = new CopyOnWriteArrayList<>();

    @Override
    public FlightClientMiddleware onCallStarted(CallInfo info) {
      return new FlightClientMiddleware() {
        @Override
        public void onBeforeSendingHeaders(CallHeaders outgoing) {}

        @Override
        public void onHeadersReceived(CallHeaders incoming) {
          Iterable<String> all = incoming.getAll("set-cookie");
          if (all != null) {
            all.forEach(values::add);
          }
        }

        @Override
        public void onCallCompleted(CallStatus status) {}
      };
    }
  }

  private static FlightClient cookieClient(SetCookies seen) {
    return FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port()))
        .intercept(new ClientCookieMiddleware.Factory()).intercept(seen).build();
  }

  private static HeaderCallOption cookie(String id) {
    FlightCallHeaders h = new FlightCallHeaders();
    h.insert("cookie", "arrow_flight_session_id=" + id);
    return new HeaderCallOption(h);
  }

  private static String issuedId(SetCookies seen) {
    String first = seen.values.get(0);
    assertTrue(first.startsWith("arrow_flight_session_id="), first);
    return first.substring("arrow_flight_session_id=".length()).split(";")[0];
  }

  @Test
  void closeSessionTwiceIsNotFoundAndTheCookieIsDropped() throws Exception {
    SetCookies seen = new SetCookies();
    try (FlightClient raw = cookieClient(seen); FlightSqlClient sql = new FlightSqlClient(raw)) {
      sql.executeUpdate("SET spark.sql.shuffle.partitions=3");
      long open = server.sessions().count();
      assertEquals(CloseSessionResult.Status.CLOSED,
          raw.closeSession(new CloseSessionRequest()).getStatus());
      assertEquals(open - 1, server.sessions().count());
      assertTrue(seen.values.stream().anyMatch(v -> v.matches(
          "arrow_flight_session_id=; ?Max-Age=0")), "cookie not expired: " + seen.values);
      // The same client, its cookie dropped: a second CloseSession has no session to close.
      FlightRuntimeException again = assertThrows(FlightRuntimeException.class,
          () -> raw.closeSession(new CloseSessionRequest()));
      assertEquals(FlightStatusCode.NOT_FOUND, again.status().code(), again.getMessage());
      // Its next statement opens a fresh session (no cookie: a new one, as for any new client).
      assertEquals(1, sql.execute("SELECT 1").getEndpoints().size());
    }
    // CloseSession with the closed session's cookie itself: NOT_FOUND.
    String closed = issuedId(seen);
    try (FlightClient raw = FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", server.port())).build()) {
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> raw.closeSession(new CloseSessionRequest(), cookie(closed)));
      assertEquals(FlightStatusCode.NOT_FOUND, e.status().code(), e.getMessage());
    }
  }

  @Test
  void aClosedSessionsCookieIsNotFoundNotANewSession() throws Exception {
    SetCookies seen = new SetCookies();
    String id;
    try (FlightClient raw = cookieClient(seen); FlightSqlClient sql = new FlightSqlClient(raw)) {
      sql.executeUpdate("SET spark.sql.shuffle.partitions=3");
      id = issuedId(seen);
      assertEquals(CloseSessionResult.Status.CLOSED,
          raw.closeSession(new CloseSessionRequest()).getStatus());
    }
    long open = server.sessions().count();
    try (FlightClient raw = FlightClient.builder(allocator,
            Location.forGrpcInsecure("127.0.0.1", server.port())).build();
        FlightSqlClient sql = new FlightSqlClient(raw)) {
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1", cookie(id)));
      assertEquals(FlightStatusCode.NOT_FOUND, e.status().code(), e.getMessage());
      assertTrue(e.getMessage().contains("was closed or is unknown"), e.getMessage());
      assertTrue(e.getMessage().contains("reconnect"), e.getMessage());
      assertTrue(!e.getMessage().contains(id), "the message must not carry the session id");
      assertNotNull(e.status().metadata());
      assertEquals("08003", e.status().metadata().get("sqlstate"));
      assertEquals("SESSION_NOT_FOUND", e.status().metadata().get("error-class"));
      // A cookie the gateway never issued (or issued before a restart): the same.
      FlightRuntimeException unknown = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1", cookie("made-up")));
      assertEquals(FlightStatusCode.NOT_FOUND, unknown.status().code());
      assertEquals(open, server.sessions().count(), "no session was opened for those calls");
      // The same client without a cookie gets a session, as before.
      assertEquals(1, sql.execute("SELECT 1").getEndpoints().size());
    }
  }

  @Test
  void aCookieClientKeepsItsSessionAcrossCalls() throws Exception {
    SetCookies seen = new SetCookies();
    try (FlightClient raw = cookieClient(seen); FlightSqlClient sql = new FlightSqlClient(raw)) {
      sql.executeUpdate("SET spark.sql.shuffle.partitions=7");
      try (var s = sql.getStream(sql.execute("SET spark.sql.shuffle.partitions")
          .getEndpoints().get(0).getTicket())) {
        assertTrue(s.next());
        assertEquals("7", s.getRoot().getVector(1).getObject(0).toString());
      }
      assertEquals(1, seen.values.size(), "one cookie for the life of the session: "
          + seen.values);
    }
  }
}
