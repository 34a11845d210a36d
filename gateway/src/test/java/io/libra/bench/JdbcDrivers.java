package io.libra.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Stream;

/** JDBC connections for the benchmarks: Libra's driver jar and the plain Arrow driver. */
final class JdbcDrivers {
  /** Opens one connection. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  private JdbcDrivers() {}

  /**
   * Libra's driver ({@code jdbc:libra://}) from {@code jdbc-driver/target}, in its own class
   * loader as a BI tool loads it (its shaded Arrow, grpc and netty stay apart from the test
   * class path's).
   */
  static Connector libra(Path libraHome, int port) throws Exception {
    Path jar;
    try (Stream<Path> files = Files.list(libraHome.resolve("jdbc-driver/target"))) {
      jar = files.filter(p -> p.getFileName().toString().matches("libra-jdbc-driver-.*\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException(
              "no jdbc-driver/target/libra-jdbc-driver-*.jar: run mvn package"));
    }
    // Kept open for the benchmark's lifetime.
    URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    Driver driver = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
        .getDeclaredConstructor().newInstance();
    String url = "jdbc:libra://127.0.0.1:" + port;
    return () -> driver.connect(url, new Properties());
  }

  /** The Arrow Flight SQL JDBC driver on the class path ({@code jdbc:arrow-flight-sql://}). */
  static Connector arrow(int port) {
    String url = "jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false";
    return () -> DriverManager.getConnection(url);
  }
}
