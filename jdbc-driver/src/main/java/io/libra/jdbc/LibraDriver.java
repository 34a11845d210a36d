package io.libra.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * JDBC driver for Libra: {@code jdbc:libra://host[:port][/][?key=value&…]} (port 32010 by
 * default), found through {@code java.sql.Driver} service loading. It speaks Arrow Flight SQL
 * itself through Arrow's {@code FlightSqlClient} (shaded into the jar) and reads values straight
 * from the Arrow record batches; the URL properties are those of {@link ConnectionConfig}.
 */
public final class LibraDriver implements Driver {
  /** The prefix of the URLs this driver accepts. */
  public static final String PREFIX = "jdbc:libra:";
  /** The gateway's default Flight port. */
  public static final int DEFAULT_PORT = ConnectionConfig.DEFAULT_PORT;
  /** This driver's version (the project's). */
  static final String VERSION = "0.1.0";
  /**
   * Arrow, grpc and netty (shaded) log through java.util.logging; their INFO lines (allocator
   * choice, …) would land on a BI tool's console. Kept at WARNING unless the application
   * configures this logger itself; held here so the setting is not garbage-collected.
   */
  private static final Logger SHADED = Logger.getLogger("io.libra.jdbc.shaded");

  static {
    if (SHADED.getLevel() == null) {
      SHADED.setLevel(java.util.logging.Level.WARNING);
    }
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

  /**
   * Opens a connection (one gateway session).
   *
   * @return null when {@code url} is not a {@code jdbc:libra:} URL (JDBC's contract)
   * @throws SQLException 08001 for a malformed URL, an unreachable gateway or a TLS mismatch,
   *     28000 for bad credentials, 3D000/3F000 for an unknown catalog or schema
   */
  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    ConnectionConfig config = ConnectionConfig.parse(url, info);
    requireBufferAccess();
    return new LibraConnection(config);
  }

  /**
   * Fails the connection up front when Arrow cannot read buffer addresses in this JVM (its
   * {@code MemoryUtil} needs {@code java.nio} opened to it); without it the first result would
   * fail with "Failed to read message".
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

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return ConnectionConfig.propertyInfo(info);
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

  /** The driver logs (with Arrow's and grpc's logging) to java.util.logging. */
  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("io.libra.jdbc");
  }
}
