package io.libra.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Bulk ingest through FlightSqlClient (CommandStatementIngest), logged in as a user. */
final class IngestClient {
  private IngestClient() {}

  /** Bulk ingest (CommandStatementIngest) of one batch of 4 rows as {@code user}. */
  static long ingest(int port, String user, String password, String dbSchema,
      String table, TableExistsOption ifExists) throws Exception {
    try (RootAllocator a = new RootAllocator(); FlightClient raw = FlightClient.builder(a,
        Location.forGrpcInsecure("127.0.0.1", port)).build()) {
      CallOption auth = raw.authenticateBasicToken(user, password).orElseThrow();
      FlightSqlClient sql = new FlightSqlClient(raw);
      Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, a);
          ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
        writer.start();
        BigIntVector id = (BigIntVector) root.getVector("id");
        root.allocateNew();
        for (int i = 0; i < 4; i++) {
          id.setSafe(i, 100 + i);
        }
        root.setRowCount(4);
        writer.writeBatch();
        writer.end();
      }
      TableDefinitionOptions options = TableDefinitionOptions.newBuilder().setIfExists(ifExists)
          .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE).build();
      try (ArrowStreamReader reader = new ArrowStreamReader(
          new ByteArrayInputStream(out.toByteArray()), a)) {
        return sql.executeIngest(reader, new ExecuteIngestOptions(table, options, null, dbSchema,
            Map.of()), auth);
      }
    }
  }

}
