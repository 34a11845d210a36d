package io.libra.jdbc;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * Turns Flight call failures into {@link SQLException}s a JDBC user can act on.
 *
 * <p>SQLSTATE: the gateway's trailer {@code sqlstate}; else a {@code SQLSTATE: xxxxx} in the
 * message (Spark's message format); else one by Flight status (UNAUTHENTICATED 28000,
 * UNAUTHORIZED 42501, TIMED_OUT HYT00, CANCELLED HY008, UNAVAILABLE 08006, UNIMPLEMENTED 0A000,
 * RESOURCE_EXHAUSTED 53000, INVALID_ARGUMENT 42000, NOT_FOUND 42000, others XX000). The subclass
 * follows the SQLSTATE class: 42 {@link SQLSyntaxErrorException}, 22 {@link SQLDataException},
 * 28 {@link SQLInvalidAuthorizationSpecException}, 08 a connection exception, 0A
 * {@link SQLFeatureNotSupportedException}, HYT00 {@link SQLTimeoutException}, 53 a
 * {@link SQLTransientException}. The vendor code is the status's ordinal in Arrow's {@code FlightStatusCode}; the cause is a
 * {@link ServerError} carrying the status, SQLSTATE and error class.
 */
final class SqlErrors {
  private static final Pattern SQLSTATE_IN_TEXT = Pattern.compile("SQLSTATE:? ?([0-9A-Z]{5})");

  private SqlErrors() {}

  /** An SQLException for a failure of a Flight call of a statement or metadata request. */
  static SQLException from(Throwable t) {
    return from(t, null);
  }

  /**
   * An SQLException for {@code t}, its message prefixed with {@code context} (e.g. "cannot set
   * schema 'x'") when not null. An SQLException passes through unchanged.
   */
  static SQLException from(Throwable t, String context) {
    if (t instanceof SQLException s) {
      return s;
    }
    if (!(t instanceof FlightRuntimeException f)) {
      String m = t.getMessage() == null ? t.toString() : t.getMessage();
      return new SQLException(prefix(context, m), "XX000", t);
    }
    CallStatus status = f.status();
    ErrorFlightMetadata md = status.metadata();
    // ErrorFlightMetadata.get throws for an absent key (Arrow 18): ask first.
    String sqlState = md == null || !md.containsKey("sqlstate") ? null : md.get("sqlstate");
    String errorClass = md == null || !md.containsKey("error-class") ? null
        : md.get("error-class");
    String message = status.description() == null || status.description().isEmpty()
        ? status.code().name() : status.description();
    if (sqlState == null) {
      Matcher m = SQLSTATE_IN_TEXT.matcher(message);
      sqlState = m.find() ? m.group(1) : null;
    }
    String state = sqlState != null ? sqlState : byStatus(status.code());
    ServerError cause = new ServerError(status.code().name(), message, sqlState, errorClass, f);
    return make(prefix(context, message), state, status.code(), cause);
  }

  /**
   * An SQLException for a failure of the first call of a connection to {@code host:port}: plain
   * words for a refused connection, an unknown host, a TLS mismatch either way, an untrusted
   * certificate and bad credentials; others as {@link #from(Throwable)}.
   */
  static SQLException connecting(Throwable t, String host, int port, boolean tls) {
    String where = host + ":" + port;
    if (t instanceof FlightRuntimeException f) {
      FlightStatusCode code = f.status().code();
      if (code == FlightStatusCode.UNAUTHENTICATED) {
        return from(t, "cannot log in to the gateway at " + where);
      }
      if (code == FlightStatusCode.UNAVAILABLE || code == FlightStatusCode.UNKNOWN
          || code == FlightStatusCode.INTERNAL || code == FlightStatusCode.TIMED_OUT) {
        String words = transportWords(f, where, tls);
        if (words != null) {
          return new SQLNonTransientConnectionException(words, "08001",
              code.ordinal(), f);
        }
        if (code == FlightStatusCode.TIMED_OUT) {
          return new SQLTransientConnectionException("the gateway at " + where
              + " did not answer within the connect timeout (connectTimeout, seconds)", "08001",
              f);
        }
      }
    }
    return from(t, "cannot connect to the gateway at " + where);
  }

  private static String transportWords(FlightRuntimeException f, String where, boolean tls) {
    for (Throwable c = f; c != null; c = c.getCause()) {
      String cls = c.getClass().getSimpleName();
      String msg = String.valueOf(c.getMessage());
      if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException
          || msg.contains("UnresolvedAddressException") || msg.contains("Unable to resolve host")) {
        return "unknown host in " + where + ": check the URL's host name";
      }
      if (c instanceof ConnectException || msg.contains("Connection refused")) {
        return "connection refused by " + where
            + ": is the gateway running, and listening on this port?";
      }
      if (cls.equals("NotSslRecordException") || msg.contains("not an SSL/TLS record")) {
        return "the gateway at " + where + " does not speak TLS: connect with"
            + " useEncryption=false (or serve TLS on the gateway)";
      }
      if (c instanceof CertificateException || msg.contains("PKIX")
          || msg.contains("unable to find valid certification path")
          || msg.contains("No subject alternative") || msg.contains("No name matching")) {
        return "the gateway's TLS certificate at " + where + " is not trusted (" + msg
            + "): give its CA with tlsRootCerts=/path/ca.pem, or disableCertificateVerification"
            + "=true to skip the check";
      }
      if (c instanceof SSLHandshakeException || (c instanceof SSLException && tls)) {
        return "TLS handshake with " + where + " failed (" + msg + ")";
      }
    }
    String text = f.getMessage() == null ? "" : f.getMessage();
    if (!tls && (text.contains("Network closed for unknown reason")
        || text.contains("first received frame was not SETTINGS")
        || text.contains("HTTP/2 client preface") || text.contains("Connection closed"))) {
      return "the gateway at " + where + " closed the plaintext connection: it probably expects"
          + " TLS; connect with useEncryption=true";
    }
    return null;
  }

  private static String prefix(String context, String message) {
    return context == null ? message : context + ": " + message;
  }

  private static String byStatus(FlightStatusCode code) {
    return switch (code) {
      case UNAUTHENTICATED -> "28000";
      case UNAUTHORIZED -> "42501";
      case TIMED_OUT -> "HYT00";
      case CANCELLED -> "HY008";
      case UNAVAILABLE -> "08006";
      case UNIMPLEMENTED -> "0A000";
      case RESOURCE_EXHAUSTED -> "53000";
      case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS -> "42000";
      default -> "XX000";
    };
  }

  private static SQLException make(String message, String state, FlightStatusCode code,
      ServerError cause) {
    int vendor = code.ordinal();
    if (state.equals("HYT00") || code == FlightStatusCode.TIMED_OUT) {
      return new SQLTimeoutException(message, state, vendor, cause);
    }
    String cls = state.substring(0, 2);
    return switch (cls) {
      case "42" -> new SQLSyntaxErrorException(message, state, vendor, cause);
      case "22" -> new SQLDataException(message, state, vendor, cause);
      case "28" -> new SQLInvalidAuthorizationSpecException(message, state, vendor, cause);
      case "0A" -> new SQLFeatureNotSupportedException(message, state, vendor, cause);
      case "08" -> new SQLNonTransientConnectionException(message, state, vendor, cause);
      case "53" -> new SQLTransientException(message, state, vendor, cause);
      default -> new SQLException(message, state, vendor, cause);
    };
  }
}
