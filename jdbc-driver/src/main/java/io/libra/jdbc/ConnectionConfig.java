package io.libra.jdbc;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of one connection, from a {@code jdbc:libra://host[:port][/][?key=value&…]} URL and
 * the connection properties (a property given both ways: the {@code Properties} value wins).
 *
 * <p>Keys: {@code user}, {@code password} (Flight basic auth handshake, then the bearer token the
 * gateway answers); {@code token} (a bearer token instead of a password); {@code useEncryption}
 * (TLS; default false for a loopback host, true otherwise); {@code disableCertificateVerification};
 * {@code tlsRootCerts} (PEM file of the CAs to trust); {@code catalog}, {@code schema},
 * {@code pool} (Flight SQL session options, set once connected); {@code connectTimeout}
 * (seconds the first call may take, default 30). Keys the Arrow Flight SQL JDBC driver takes and
 * that mean nothing here ({@code threadPoolSize}, {@code useSystemTrustStore},
 * {@code retainCookies}, {@code retainAuth}) are ignored; every other key is sent as a call header
 * on every call, as Arrow's driver does.
 */
final class ConnectionConfig {
  static final int DEFAULT_PORT = 32010;
  private static final Set<String> IGNORED = Set.of("threadpoolsize", "usesystemtruststore",
      "retaincookies", "retainauth", "usecleanup");

  final String host;
  final int port;
  final boolean tls;
  final boolean verifyServer;
  final String tlsRootCerts;
  final String user;
  final String password;
  final String token;
  final String catalog;
  final String schema;
  final String pool;
  final int connectTimeoutSeconds;
  /** Endpoints of a result whose streams are opened ahead of the one being read. */
  final int endpointsAhead;
  /** Extra call headers, in the order given. */
  final Map<String, String> headers;

  private ConnectionConfig(String host, int port, Map<String, String> p) throws SQLException {
    this.host = host;
    this.port = port;
    String enc = take(p, "useEncryption");
    this.tls = enc == null ? !isLoopback(host) : parseBoolean("useEncryption", enc);
    String noVerify = take(p, "disableCertificateVerification");
    this.verifyServer = noVerify == null || !parseBoolean("disableCertificateVerification",
        noVerify);
    this.tlsRootCerts = take(p, "tlsRootCerts");
    this.user = take(p, "user");
    this.password = take(p, "password");
    this.token = take(p, "token");
    this.catalog = blankToNull(take(p, "catalog"));
    this.schema = blankToNull(take(p, "schema"));
    this.pool = blankToNull(take(p, "pool"));
    String timeout = take(p, "connectTimeout");
    try {
      this.connectTimeoutSeconds = timeout == null ? 30 : Integer.parseInt(timeout.trim());
    } catch (NumberFormatException e) {
      throw new SQLException("connectTimeout must be a whole number of seconds, not '" + timeout
          + "'", "HY024");
    }
    if (connectTimeoutSeconds <= 0) {
      throw new SQLException("connectTimeout must be positive, not " + connectTimeoutSeconds,
          "HY024");
    }
    String ahead = take(p, "endpointsAhead");
    try {
      this.endpointsAhead = ahead == null ? 3 : Integer.parseInt(ahead.trim());
    } catch (NumberFormatException e) {
      throw new SQLException("endpointsAhead must be a whole number, not '" + ahead + "'",
          "HY024");
    }
    if (endpointsAhead < 0 || endpointsAhead > 64) {
      throw new SQLException("endpointsAhead must be from 0 to 64, not " + endpointsAhead,
          "HY024");
    }
    p.keySet().removeIf(k -> IGNORED.contains(k.toLowerCase(Locale.ROOT)));
    this.headers = Map.copyOf(p);
  }

  /**
   * Parses {@code url} and {@code info}.
   *
   * @throws SQLException SQLSTATE 08001 for a malformed URL or a missing host; HY024 for a bad
   *     value
   */
  static ConnectionConfig parse(String url, Properties info) throws SQLException {
    URI uri;
    try {
      uri = URI.create(url.substring("jdbc:".length()));
    } catch (IllegalArgumentException e) {
      throw new SQLException("malformed Libra URL '" + url + "': expected"
          + " jdbc:libra://host[:port][?key=value&...]", "08001", e);
    }
    if (uri.getHost() == null) {
      throw new SQLException("malformed Libra URL '" + url + "': no host (expected"
          + " jdbc:libra://host[:port][?key=value&...])", "08001");
    }
    Map<String, String> p = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        p.put(k, v);
      }
    }
    if (info != null) {
      for (String k : info.stringPropertyNames()) {
        p.put(k, info.getProperty(k));
      }
    }
    String host = uri.getHost().replace("[", "").replace("]", "");
    return new ConnectionConfig(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), p);
  }

  /** The properties {@code Driver.getPropertyInfo} lists. */
  static DriverPropertyInfo[] propertyInfo(Properties info) {
    String[][] keys = {
        {"user", "user name (Flight basic authentication)"},
        {"password", "password of user"},
        {"token", "bearer token, instead of user and password"},
        {"useEncryption", "TLS; default false for a loopback host, true otherwise"},
        {"disableCertificateVerification", "accept any server certificate (TLS)"},
        {"tlsRootCerts", "PEM file of the certificate authorities to trust (TLS)"},
        {"catalog", "current catalog of the session (session option catalog)"},
        {"schema", "current schema of the session (session option schema)"},
        {"pool", "FAIR scheduler pool of the session's Spark jobs (session option pool)"},
        {"connectTimeout", "seconds the first call may take (default 30)"},
        {"endpointsAhead", "endpoints of a result read ahead, in parallel, of the one whose rows"
            + " are returned (default 3; 0 = one at a time)"}};
    DriverPropertyInfo[] out = new DriverPropertyInfo[keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[i] = new DriverPropertyInfo(keys[i][0],
          info == null || keys[i][0].equals("password") ? null : info.getProperty(keys[i][0]));
      out[i].description = keys[i][1];
    }
    return out;
  }

  private static String take(Map<String, String> p, String key) {
    for (String k : p.keySet()) {
      if (k.equalsIgnoreCase(key)) {
        return p.remove(k);
      }
    }
    return null;
  }

  private static boolean parseBoolean(String key, String value) throws SQLException {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("1") || v.isEmpty()) {
      return true;
    }
    if (v.equals("false") || v.equals("0")) {
      return false;
    }
    throw new SQLException(key + " must be true or false, not '" + value + "'", "HY024");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }
}
