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
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
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

      // Bulk ingest stages under the warehouse by path: the gateway's own path, allowed for carol.
      assertEquals(3, ingest(server, "carol", "files_ingest"));
      assertEquals("3", query(carol, "SELECT count(*) FROM files_ingest"));
      query(carol, "DROP TABLE files_ingest");

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

  /** Flight SQL bulk ingest (CommandStatementIngest) of 3 rows as {@code user}; rows written. */
  private static long ingest(LibraServer server, String user, String table) throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator,
            Location.forGrpcInsecure("127.0.0.1", server.port())).build();
        FlightSqlClient sql = new FlightSqlClient(client)) {
      CredentialCallOption auth = client.authenticateBasicToken(user, user + "-pw").orElseThrow();
      Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
        BigIntVector id = (BigIntVector) root.getVector("id");
        for (int i = 0; i < 3; i++) {
          id.setSafe(i, i);
        }
        root.setRowCount(3);
        return sql.executeIngest(root, new ExecuteIngestOptions(table,
            TableDefinitionOptions.newBuilder()
                .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_FAIL)
                .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE).build(),
            null, "default", Map.of()), auth);
      }
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
