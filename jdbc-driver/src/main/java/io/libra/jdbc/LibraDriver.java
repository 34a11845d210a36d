package io.libra.jdbc;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver;
import org.apache.arrow.driver.jdbc.LibraFlightMeta;
import org.apache.arrow.driver.jdbc.shaded.org.apache.calcite.avatica.AvaticaConnection;
import org.apache.arrow.driver.jdbc.shaded.org.apache.calcite.avatica.Meta;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.memory.util.MemoryUtil;

/**
 * JDBC driver for Libra: {@code jdbc:libra://host[:port][/][?key=value&…]}, found through
 * {@code java.sql.Driver} service loading, delegating to the Arrow Flight SQL JDBC driver.
 *
 * <p>Defaults: port 32010; plaintext ({@code useEncryption=false}) when the host is a loopback
 * address, TLS otherwise — an explicit {@code useEncryption} wins. {@code user}, {@code password},
 * {@code catalog} (a session option), {@code pool} (sent as the call header Libra reads) and every
 * other property pass through; {@code schema=x} runs {@code USE x} once connected.
 *
 * <p>Timestamps read through this driver are exact whatever the client JVM's time zone
 * ({@link TimestampColumns} corrects the Arrow driver's shift). {@code Statement.executeQuery(String)}
 * is a Flight SQL statement query (two RPCs, {@link LibraFlightMeta}) where the Arrow driver
 * prepares, executes and closes a prepared statement (four).
 */
public final class LibraDriver implements Driver {
  public static final String PREFIX = "jdbc:libra:";
  public static final int DEFAULT_PORT = 32010;

  /** Arrow's driver with Libra's {@link LibraFlightMeta} (plain queries in two RPCs). */
  private final ArrowFlightJdbcDriver delegate = new ArrowFlightJdbcDriver() {
    @Override
    public Meta createMeta(AvaticaConnection connection) {
      return new LibraFlightMeta(connection);
    }
  };

  static {
    try {
      DriverManager.registerDriver(new LibraDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    String target = arrowUrl(url, params);
    String schema = params.get("schema");
    Properties props = new Properties();
    if (info != null) {
      props.putAll(info);
    }
    if (schema == null) {
      schema = props.getProperty("schema");
    }
    props.remove("schema");
    requireBufferAccess();
    Connection c = delegate.connect(target, props);
    if (schema != null && !schema.isBlank()) {
      try (Statement s = c.createStatement()) {
        s.execute("USE `" + schema.replace("`", "``") + "`");
      } catch (SQLException e) {
        c.close();
        throw new SQLException("cannot use schema '" + schema + "': " + e.getMessage(), e);
      }
    }
    return LibraJdbcProxies.connection(c);
  }

  /**
   * Fails the connection up front when Arrow cannot read buffer addresses in this JVM (its
   * {@code MemoryUtil} needs {@code java.nio} opened to it). Without this check the connection
   * opens and the first result fails with "Failed to read message"; after a large result the
   * Arrow driver's connection thread was seen left running, keeping the client JVM from exiting.
   *
   * @throws SQLException SQLSTATE 08001, naming the JVM option to add
   */
  static void requireBufferAccess() throws SQLException {
    try {
      // The class literal only loads the class; forName runs its static initializer.
      Class.forName(MemoryUtil.class.getName(), true, MemoryUtil.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e); // it was just loaded
    } catch (LinkageError | RuntimeException e) {
      throw new SQLException("Libra's JDBC driver needs the JVM option"
          + " --add-opens=java.base/java.nio=ALL-UNNAMED in the JVM that loads it (Arrow reads"
          + " result buffers by address); add it to the java command line, or in DBeaver to"
          + " dbeaver.ini after -vmargs", "08001", e);
    }
  }

  /** Translates a {@code jdbc:libra:} URL to the Arrow driver's; fills {@code params}. */
  static String arrowUrl(String url, Map<String, String> params) throws SQLException {
    URI uri;
    try {
      uri = URI.create(url.substring("jdbc:".length()));
    } catch (IllegalArgumentException e) {
      throw new SQLException("malformed Libra URL '" + url + "': expected"
          + " jdbc:libra://host[:port][?key=value&...]", e);
    }
    String host = uri.getHost();
    if (host == null) {
      throw new SQLException("malformed Libra URL '" + url + "': no host");
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.put(k, v);
      }
    }
    if (!params.containsKey("useEncryption")) {
      params.put("useEncryption", Boolean.toString(!isLoopback(host)));
    }
    StringBuilder out = new StringBuilder("jdbc:arrow-flight-sql://").append(host).append(':')
        .append(port).append("/?");
    boolean first = true;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getKey().equals("schema")) {
        continue;
      }
      if (!first) {
        out.append('&');
      }
      first = false;
      out.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[] {
        new DriverPropertyInfo("user", info == null ? null : info.getProperty("user")),
        new DriverPropertyInfo("password", null),
        new DriverPropertyInfo("catalog", null),
        new DriverPropertyInfo("schema", null),
        new DriverPropertyInfo("pool", null),
        new DriverPropertyInfo("useEncryption", null),
        new DriverPropertyInfo("disableCertificateVerification", null)};
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("java.util.logging is not used");
  }
}
