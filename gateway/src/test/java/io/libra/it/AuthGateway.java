package io.libra.it;

import io.libra.auth.UserStore;
import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway with authentication on, on the shared SparkContext, for tests that attack it as
 * several users: each user NAME logs in with password {@code NAME-pw}; {@link #conf} is its conf
 * and work directory. JDBC helpers connect through the Arrow Flight SQL JDBC driver.
 */
final class AuthGateway {
  private AuthGateway() {}

  /**
   * @param roles lines of roles.properties ("carol = files, admin"), or ""
   * @param extra more settings, key and value alternating
   */
  static LibraServer start(Path conf, List<String> users, String roles, String... extra)
      throws Exception {
    for (String user : users) {
      UserStore.put(conf.resolve("users.properties"), user, (user + "-pw").toCharArray());
    }
    Files.writeString(conf.resolve("roles.properties"), roles);
    Map<String, String> settings = new LinkedHashMap<>(Map.of("libra.server.port", "0",
        "libra.auth.enabled", "true", "libra.work-dir", conf.toString()));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      settings.put(extra[i], extra[i + 1]);
    }
    return LibraServer.start(LibraConfig.load(conf, conf, Map.of(), settings),
        TestGateway.get().spark);
  }

  static Connection connect(LibraServer server, String user) throws SQLException {
    return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + server.port()
        + "/?useEncryption=false&user=" + user + "&password=" + user + "-pw");
  }

  /** Runs the statement; returns column {@code column} of the first row, or null. */
  static String column(Connection c, String sql, int column) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (!s.execute(sql)) {
        return null;
      }
      try (ResultSet rs = s.getResultSet()) {
        return rs.next() ? rs.getString(column) : null;
      }
    }
  }
}
