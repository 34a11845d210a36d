package io.libra.flight;

import io.libra.operation.CallCancellation;
import io.libra.operation.StatementContext;
import io.libra.session.ClientSession;
import io.libra.session.PoolAssigner;
import io.libra.session.SessionManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.arrow.flight.FlightProducer.CallContext;

/**
 * Finds the client session of a Flight call and the pool of its statements.
 *
 * <p>Session: the one named by the session cookie; else, with a bearer token, the token's session
 * (one per token, so clients without cookies keep their state); else a new session whose id the
 * response sets as the cookie. User: the authenticated peer identity, or {@code anonymous} when
 * authentication is off.
 */
final class CallSessions {
  static final String ANONYMOUS = "anonymous";
  static final String POOL_HEADER = "pool";

  private final SessionManager sessions;
  private final PoolAssigner pools;

  CallSessions(SessionManager sessions, PoolAssigner pools) {
    this.sessions = sessions;
    this.pools = pools;
  }

  static String user(CallContext context) {
    String peer = context.peerIdentity();
    return peer == null || peer.isEmpty() ? ANONYMOUS : peer;
  }

  ClientSession session(CallContext context) {
    SessionCookieMiddleware call = context.getMiddleware(SessionCookieMiddleware.KEY);
    String user = user(context);
    // Only ids the server issued are honoured: a cookie naming no open session (expired, or made
    // up — a client inventing ids would otherwise fill libra.sessions.max) gets a new session.
    String cookie = call.cookieSessionId();
    if (cookie != null && sessions.isOpen(cookie)) {
      return sessions.getOrCreate(cookie, user, true);
    }
    String bearer = bearerSessionId(call);
    if (bearer != null) {
      return sessions.getOrCreate(bearer, user, true);
    }
    return sessions.getOrCreate(call.newSessionId(), user, false);
  }

  /** Session, plus the pool chosen for this call (session option > header > user map > default). */
  StatementContext statement(CallContext context) {
    ClientSession s = session(context);
    SessionCookieMiddleware call = context.getMiddleware(SessionCookieMiddleware.KEY);
    return new StatementContext(s, pools.choose(s.user(), s.poolOption(), call.header(POOL_HEADER)),
        grpcCancellation());
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

  /** The session of a call if it already exists (no creation), or null. */
  String existingSessionId(CallContext context) {
    SessionCookieMiddleware call = context.getMiddleware(SessionCookieMiddleware.KEY);
    if (call.cookieSessionId() != null) {
      return call.cookieSessionId();
    }
    return bearerSessionId(call);
  }

  /** The session id a validated bearer token stands for (cookie-less clients), or null. */
  private static String bearerSessionId(SessionCookieMiddleware call) {
    String auth = call.header("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "bearer-" + sha256(auth.substring(7).trim());
    }
    return null;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
