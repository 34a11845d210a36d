package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;

/**
 * With authentication on, only users with the {@code files} role reach the gateway host's files
 * through SQL: for the others, queries over paths, LOCATION, INSERT OVERWRITE DIRECTORY, data
 * source views and ADD JAR answer UNAUTHORIZED (also inside subqueries and EXECUTE IMMEDIATE) and
 * nothing is read or written; managed tables keep working for everyone.
 */
class FileAccessTest {
  @Test
  void onlyTheFilesRoleUsesServerPathsInSql() throws Exception {
    Path conf = Files.createTempDirectory("libra-files-");
    for (String user : new String[] {"carol", "dave"}) {
      UserStore.put(conf.resolve("users.properties"), user, (user + "-pw").toCharArray());
    }
    Files.writeString(conf.resolve("roles.properties"), "dave = files\n");
    Path secret = Files.writeString(conf.resolve("secret.txt"), "s3cr3t\n");
    Path out = conf.resolve("out");
    LibraConfig config = LibraConfig.load(conf, conf, Map.of(), Map.of("libra.server.port", "0",
        "libra.auth.enabled", "true"));
    try (LibraServer server = LibraServer.start(config, TestGateway.get().spark);
        Connection carol = connect(server, "carol");
        Connection dave = connect(server, "dave")) {
      String read = "SELECT value FROM text.`" + secret.toUri() + "`";
      String[] refused = {
          read,
          "SELECT * FROM (SELECT upper(value) AS v FROM text.`" + secret + "`) WHERE v IS NOT NULL",
          "EXECUTE IMMEDIATE 'SELECT value FROM text.`" + secret + "`'",
          "CREATE TABLE files_ext (value STRING) USING text LOCATION '" + conf + "'",
          "CREATE TABLE files_opt (value STRING) USING text OPTIONS (path '" + conf + "')",
          "CREATE TEMPORARY VIEW files_v USING text OPTIONS (path '" + secret + "')",
          "INSERT OVERWRITE DIRECTORY '" + out + "' USING csv SELECT 1 AS a",
          "ADD JAR '" + secret + "'",
      };
      for (String sql : refused) {
        SQLException e = assertThrows(SQLException.class, () -> query(carol, sql), sql);
        assertEquals(FlightStatusCode.UNAUTHORIZED, JobsClient.status(e), sql + ": " + e);
        assertTrue(e.getMessage().contains("user 'carol' may not use server paths in SQL")
            && e.getMessage().contains("'files' role"), e.getMessage());
      }
      assertFalse(Files.exists(out), "nothing was written");

      // Managed tables (in the warehouse) stay open to every user.
      query(carol, "CREATE TABLE files_managed (a INT) USING parquet");
      query(carol, "INSERT INTO files_managed VALUES (7)");
      assertEquals("7", query(carol, "SELECT a FROM files_managed"));
      query(carol, "DROP TABLE files_managed");

      // The files role may.
      assertEquals("s3cr3t", query(dave, read));
      query(dave, "INSERT OVERWRITE DIRECTORY '" + out + "' USING csv SELECT 1 AS a");
      assertTrue(Files.isDirectory(out));
      // The server is still up for the refused user.
      assertEquals("2", query(carol, "SELECT 1 + 1"));
    }
  }

  /** Runs the statement; returns the first column of the first row, or null. */
  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (!s.execute(sql)) {
        return null;
      }
      try (ResultSet rs = s.getResultSet()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static Connection connect(LibraServer server, String user) throws SQLException {
    return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + server.port()
        + "/?useEncryption=false&user=" + user + "&password=" + user + "-pw");
  }
}
