package io.libra.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight header authentication ({@code auth2}): {@code authorization: Basic …} on the handshake or
 * any first call is checked against the {@link UserStore} and answered with
 * {@code authorization: Bearer <token>}; later calls send that bearer token. Anything else is
 * UNAUTHENTICATED with a message that says what is wrong. Failed logins back off
 * ({@link LoginThrottle}): an attempt made too soon is refused before its password is checked.
 * Passwords and tokens are never logged.
 */
public final class LibraAuthenticator implements CallHeaderAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(LibraAuthenticator.class);

  private final UserStore users;
  private final TokenStore tokens;
  private final LoginThrottle throttle;
  private final java.util.function.Supplier<String> clientAddress;
  private volatile Runnable onFailed = () -> { };
  private volatile Runnable onThrottled = () -> { };

  /**
   * @param throttle backs off failed logins per user and per client address
   * @param clientAddress the address of the call being authenticated (null when unknown)
   */
  public LibraAuthenticator(UserStore users, TokenStore tokens, LoginThrottle throttle,
      java.util.function.Supplier<String> clientAddress) {
    this.users = users;
    this.tokens = tokens;
    this.throttle = throttle;
    this.clientAddress = clientAddress;
  }

  /** From now on, {@code failed} runs for each failed password check, {@code throttled} for each
   * attempt the back-off refused (metrics). */
  public LibraAuthenticator observe(Runnable failed, Runnable throttled) {
    this.onFailed = failed;
    this.onThrottled = throttled;
    return this;
  }

  @Override
  public AuthResult authenticate(CallHeaders headers) {
    String auth = headers.get(Auth2Constants.AUTHORIZATION_HEADER);
    if (auth == null || auth.isBlank()) {
      throw CallStatus.UNAUTHENTICATED.withDescription("authentication required: connect with a"
          + " user name and password (Basic) or a bearer token").toRuntimeException();
    }
    if (auth.regionMatches(true, 0, Auth2Constants.BEARER_PREFIX, 0,
        Auth2Constants.BEARER_PREFIX.length())) {
      String token = auth.substring(Auth2Constants.BEARER_PREFIX.length()).trim();
      String user = tokens.user(token);
      if (user == null) {
        throw CallStatus.UNAUTHENTICATED.withDescription(
            "bearer token unknown or expired (or its session was closed): log in again with"
                + " user name and password")
            .toRuntimeException();
      }
      return () -> user;
    }
    if (auth.regionMatches(true, 0, Auth2Constants.BASIC_PREFIX, 0,
        Auth2Constants.BASIC_PREFIX.length())) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(
            auth.substring(Auth2Constants.BASIC_PREFIX.length()).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw CallStatus.UNAUTHENTICATED.withDescription("malformed Basic credentials")
            .toRuntimeException();
      }
      int colon = decoded.indexOf(':');
      String user = colon < 0 ? decoded : decoded.substring(0, colon);
      char[] password = colon < 0 ? new char[0] : decoded.substring(colon + 1).toCharArray();
      String address = clientAddress.get();
      long wait = throttle.waitMillis(user, address);
      if (wait > 0) {
        onThrottled.run();
        throw CallStatus.UNAUTHENTICATED.withDescription("too many failed logins for this user"
            + " or client address: retry in " + (wait + 999) / 1000 + " s"
            + " (libra.auth.max-failed-logins)").toRuntimeException();
      }
      if (!users.check(user, password)) {
        throttle.failed(user, address);
        onFailed.run();
        LOG.info("failed login for user '{}' from {}", user, address);
        throw CallStatus.UNAUTHENTICATED.withDescription("invalid user name or password")
            .toRuntimeException();
      }
      throttle.succeeded(user);
      String token = tokens.issue(user);
      LOG.info("user '{}' logged in", user);
      return new AuthResult() {
        @Override
        public String getPeerIdentity() {
          return user;
        }

        @Override
        public void appendToOutgoingHeaders(CallHeaders outgoing) {
          if (outgoing.get(Auth2Constants.AUTHORIZATION_HEADER) == null) {
            outgoing.insert(Auth2Constants.AUTHORIZATION_HEADER,
                Auth2Constants.BEARER_PREFIX + token);
          }
        }
      };
    }
    throw CallStatus.UNAUTHENTICATED.withDescription(
        "unsupported authorization scheme: use Basic or Bearer").toRuntimeException();
  }
}
