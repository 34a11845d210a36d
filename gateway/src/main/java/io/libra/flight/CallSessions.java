package io.libra.flight;

import io.libra.auth.TokenStore;
import io.libra.operation.CallCancellation;
import io.libra.operation.StatementContext;
import io.libra.session.ClientSession;
import io.libra.session.PoolAssigner;
import io.libra.session.SessionManager;
import io.libra.session.SessionNotFoundException;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.flight.FlightProducer.CallContext;

/**
 * Finds the client session of a Flight call and the pool of its statements.
 *
 * <p>Session: the lookups of {@code libra.sessions.identify-by} in their order (default
 * {@code cookie,token,connection}): {@code cookie}, the open session the session cookie
 * ({@code arrow_flight_session_id}) names — a cookie naming no open session (closed, expired,
 * from before a restart, made up) is NOT_FOUND ({@link SessionNotFoundException}), as the Flight
 * RPC spec says; {@code token}, with a bearer token, the token's session
 * (one per token); {@code connection}, the session of the client's connection
 * ({@link ClientConnections}), opened with its first call and closed when it ends. When none
 * applies, a new session whose id the response sets as the cookie (a client without cookie support
 * then gets a session per call). Behind a proxy that multiplexes many clients on one upstream
 * connection, {@code connection} must be left out. User: the authenticated peer identity, or
 * {@code anonymous} when authentication is off.
 */
final class CallSessions {
  static final String ANONYMOUS = "anonymous";
  static final String POOL_HEADER = "pool";
  static final String TIMEOUT_HEADER = "statement_timeout";
  /** The lookups {@code libra.sessions.identify-by} may name. */
  static final List<String> LOOKUPS = List.of("cookie", "token", "connection");

  private final SessionManager sessions;
  private final PoolAssigner pools;
  private final List<String> lookups;

  /** @param lookups the session lookups in order, each one of {@link #LOOKUPS} */
  CallSessions(SessionManager sessions, PoolAssigner pools, List<String> lookups) {
    this.sessions = sessions;
    this.pools = pools;
    this.lookups = List.copyOf(lookups);
  }

  /**
   * Parses {@code libra.sessions.identify-by}.
   *
   * @throws IllegalArgumentException naming the setting for an unknown or repeated lookup
   */
  static List<String> parseLookups(String text) {
    List<String> out = new java.util.ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      }
      if (!LOOKUPS.contains(p) || out.contains(p)) {
        throw new IllegalArgumentException("libra.sessions.identify-by: '" + p + "' is unknown or"
            + " repeated (use a comma-separated subset of " + String.join(",", LOOKUPS) + ")");
      }
      out.add(p);
    }
    return out;
  }

  static String user(CallContext context) {
    String peer = context.peerIdentity();
    return peer == null || peer.isEmpty() ? ANONYMOUS : peer;
  }

  /**
   * The call's session, found by the configured lookups or created; the call's bearer token is
   * noted on it, so closing the session revokes the token.
   */
  ClientSession session(CallContext context) {
    ClientSession s = findOrCreate(context);
    s.noteClientAddress(ClientAddresses.current());
    String token = bearerHash(context.getMiddleware(SessionCookieMiddleware.KEY));
    if (token != null) {
      s.noteToken(token);
    }
    return s;
  }

  private ClientSession findOrCreate(CallContext context) {
    SessionCookieMiddleware call = context.getMiddleware(SessionCookieMiddleware.KEY);
    String user = user(context);
    String connection = lookups.contains("connection") ? ClientConnections.current() : null;
    for (String lookup : lookups) {
      switch (lookup) {
        case "cookie" -> {
          // Only open sessions are honoured, never created under a client's id: a cookie naming
          // none (closed, expired, from before a restart, or made up) is NOT_FOUND, not a silent
          // new session without the state the client expects.
          String cookie = call.cookieSessionId();
          if (cookie != null) {
            return sessions.claim(cookie, user);
          }
        }
        case "token" -> {
          String bearer = bearerSessionId(call);
          if (bearer != null) {
            return sessions.getOrCreate(bearer, user, true, connection);
          }
        }
        case "connection" -> {
          if (connection != null) {
            return sessions.getOrCreate("connection-" + connection, user, true, connection);
          }
        }
        default -> throw new IllegalStateException(lookup);
      }
    }
    return sessions.getOrCreate(call.newSessionId(), user, false, null);
  }

  /**
   * Session, pool (session option > header > user map > default) and statement timeout (header
   * {@code statement_timeout}, seconds) of this call.
   *
   * @throws IllegalArgumentException for a {@code statement_timeout} header that is not a
   *     whole number of seconds &gt;= 0
   */
  StatementContext statement(CallContext context) {
    ClientSession s = session(context);
    SessionCookieMiddleware call = context.getMiddleware(SessionCookieMiddleware.KEY);
    return new StatementContext(s, pools.choose(s.user(), s.poolOption(), call.header(POOL_HEADER)),
        grpcCancellation(), timeoutHeader(call.header(TIMEOUT_HEADER)));
  }

  private static Integer timeoutHeader(String value) {
    if (value == null) {
      return null;
    }
    return ClientSession.parseTimeoutSeconds(value, "call header " + TIMEOUT_HEADER);
  }

  /**
   * The current gRPC call's cancellation: its {@link io.grpc.Context} is cancelled at once when the
   * client cancels or disconnects (listener callbacks would wait for the handler to return).
   */
  static CallCancellation grpcCancellation() {
    io.grpc.Context call = io.grpc.Context.current();
    return callback -> {
      io.grpc.Context.CancellationListener l = c -> callback.run();
      call.addListener(l, Runnable::run);
      return () -> call.removeListener(l);
    };
  }

  /**
   * The session of a call if it already exists (no creation), or null.
   *
   * @throws SessionNotFoundException when the call's cookie names no open session
   */
  ClientSession existingSession(CallContext context) {
    SessionCookieMiddleware call = context.getMiddleware(SessionCookieMiddleware.KEY);
    String user = user(context);
    for (String lookup : lookups) {
      if (lookup.equals("cookie") && call.cookieSessionId() != null
          && sessions.find(call.cookieSessionId()) == null) {
        throw new SessionNotFoundException(call.cookieSessionId());
      }
      String id = switch (lookup) {
        case "cookie" -> call.cookieSessionId();
        case "token" -> bearerSessionId(call);
        case "connection" -> ClientConnections.current() == null ? null
            : "connection-" + ClientConnections.current();
        default -> null;
      };
      ClientSession s = id == null ? null : sessions.find(id);
      if (s != null && s.user().equals(user)) {
        return s;
      }
    }
    return null;
  }

  /** The session id a validated bearer token stands for (cookie-less clients), or null. */
  private static String bearerSessionId(SessionCookieMiddleware call) {
    String hash = bearerHash(call);
    return hash == null ? null : "bearer-" + hash;
  }

  /** {@link TokenStore#hash} of the call's bearer token, or null. */
  static String bearerHash(SessionCookieMiddleware call) {
    String auth = call.header("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return TokenStore.hash(auth.substring(7).trim());
    }
    return null;
  }
}
