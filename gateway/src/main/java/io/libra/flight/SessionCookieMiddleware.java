package io.libra.flight;

import io.libra.operation.Handles;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Per-call view of the client's session identity and headers: the Flight session cookie
 * ({@code arrow_flight_session_id}, the name Arrow's {@code ServerSessionMiddleware} and clients use)
 * and the call headers (for {@code authorization} and {@code pool}). When a call creates a session,
 * the response carries {@code Set-Cookie} so cookie-aware clients (the JDBC driver, ADBC with its
 * cookie middleware) come back to it.
 */
public final class SessionCookieMiddleware implements FlightServerMiddleware {
  public static final String COOKIE_NAME = "arrow_flight_session_id";
  public static final Key<SessionCookieMiddleware> KEY = Key.of("libra-session");

  private final CallHeaders headers;
  private final String cookieSessionId;
  private volatile String newSessionId;
  private volatile boolean expireCookie;

  private SessionCookieMiddleware(CallHeaders headers) {
    this.headers = headers;
    this.cookieSessionId = parseCookie(headers);
  }

  /** Factory to register on the FlightServer. */
  public static final class Factory implements FlightServerMiddleware.Factory<SessionCookieMiddleware> {
    @Override
    public SessionCookieMiddleware onCallStarted(CallInfo info, CallHeaders incomingHeaders,
        RequestContext context) {
      return new SessionCookieMiddleware(incomingHeaders);
    }
  }

  private static String parseCookie(CallHeaders headers) {
    Iterable<String> values = headers.getAll("cookie");
    if (values == null) {
      return null;
    }
    for (String header : values) {
      for (String part : header.split(";")) {
        String p = part.trim();
        if (p.startsWith(COOKIE_NAME + "=")) {
          String v = p.substring(COOKIE_NAME.length() + 1).trim();
          return v.isEmpty() ? null : v;
        }
      }
    }
    return null;
  }

  /** The session id the client sent in its cookie, or null. */
  public String cookieSessionId() {
    return cookieSessionId;
  }

  /** A fresh session id for this call; the response will set it as the cookie. */
  public String newSessionId() {
    if (newSessionId == null) {
      newSessionId = Handles.newHandle();
    }
    return newSessionId;
  }

  /**
   * The call closed the session its cookie named: the response tells the client to drop the
   * cookie ({@code Set-Cookie} with {@code Max-Age=0}, which Arrow's and Go's Flight cookie
   * middleware honour).
   */
  public void expireCookie() {
    expireCookie = true;
  }

  /** The first value of a call header, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {
    if (newSessionId != null) {
      outgoingHeaders.insert("set-cookie", COOKIE_NAME + "=" + newSessionId);
    } else if (expireCookie) {
      outgoingHeaders.insert("set-cookie", COOKIE_NAME + "=; Max-Age=0");
    }
  }

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}
}
