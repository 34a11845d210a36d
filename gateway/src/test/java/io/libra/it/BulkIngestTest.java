package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bulk ingest with Arrow's FlightSqlClient ({@code CommandStatementIngest}): an upload of many
 * batches is staged chunk by chunk ({@code libra.ingest.chunk-bytes} is 256 KiB in the test
 * gateway) and committed once; modes and their errors; nothing left allocated or staged.
 */
class BulkIngestTest {
  private static final int BATCHES = 20;
  private static final int ROWS_PER_BATCH = 10_000;
  private static TestGateway gateway;
  private static BufferAllocator allocator;
  private static FlightSqlClient sql;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
    allocator = new RootAllocator();
    sql = new FlightSqlClient(FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build());
  }

  @AfterAll
  static void stop() throws Exception {
    sql.close();
    allocator.close();
    gateway.assertAllocatorReleased();
  }

  /** An Arrow IPC stream of BATCHES batches: id (0..n-1) and s = "value-" + id. */
  private static byte[] upload() throws Exception {
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
        Field.nullable("s", ArrowType.Utf8.INSTANCE)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
         ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      BigIntVector id = (BigIntVector) root.getVector("id");
      VarCharVector s = (VarCharVector) root.getVector("s");
      for (int b = 0; b < BATCHES; b++) {
        root.allocateNew();
        for (int r = 0; r < ROWS_PER_BATCH; r++) {
          long v = (long) b * ROWS_PER_BATCH + r;
          id.setSafe(r, v);
          s.setSafe(r, ("value-" + v).getBytes());
        }
        root.setRowCount(ROWS_PER_BATCH);
        writer.writeBatch();
      }
      writer.end();
    }
    return out.toByteArray();
  }

  private static long ingest(String table, TableExistsOption ifExists,
      TableNotExistOption ifMissing) throws Exception {
    TableDefinitionOptions options = TableDefinitionOptions.newBuilder()
        .setIfExists(ifExists).setIfNotExist(ifMissing).build();
    try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(upload()),
        allocator)) {
      return sql.executeIngest(reader, new ExecuteIngestOptions(table, options, null, "default",
          java.util.Map.of()));
    }
  }

  @Test
  void manyBatchesAreStagedInChunksAndCommittedOnce() throws Exception {
    gateway.spark.sql("DROP TABLE IF EXISTS default.java_ingest");
    long n = (long) BATCHES * ROWS_PER_BATCH;
    try (JobRecorder jobs = new JobRecorder(gateway.spark.sparkContext())) {
      assertEquals(n, ingest("java_ingest", TableExistsOption.TABLE_EXISTS_OPTION_FAIL,
          TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE));
      jobs.drain();
      long ingestJobs = jobs.started.stream()
          .filter(j -> j.description().contains("(bulk ingest)")).count();
      // One write per chunk (two ~240 KB batches fill a 256 KiB chunk) plus the commit;
      // staging everything at once would be one write.
      assertTrue(ingestJobs >= BATCHES / 2 + 1, "Spark jobs of the ingest: " + ingestJobs);
    }
    Row row = gateway.spark.sql("SELECT count(*), sum(id), max(s) FROM default.java_ingest")
        .collectAsList().get(0);
    assertEquals(n, row.getLong(0));
    assertEquals(n * (n - 1) / 2, row.getLong(1));
    assertEquals("value-99999", row.getString(2));
    Path staging = Path.of(gateway.spark.sessionState().conf().warehousePath()
        .replaceFirst("^file:", ""), ".libra-ingest");
    assertTrue(!Files.exists(staging) || Files.list(staging).findAny().isEmpty(),
        "staging directories left behind");

    FlightRuntimeException exists = assertThrows(FlightRuntimeException.class,
        () -> ingest("java_ingest", TableExistsOption.TABLE_EXISTS_OPTION_FAIL,
            TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE));
    assertEquals(FlightStatusCode.ALREADY_EXISTS, exists.status().code());
    FlightRuntimeException missing = assertThrows(FlightRuntimeException.class,
        () -> ingest("java_ingest_missing", TableExistsOption.TABLE_EXISTS_OPTION_APPEND,
            TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL));
    assertEquals(FlightStatusCode.NOT_FOUND, missing.status().code());
    assertFalse(gateway.spark.catalog().tableExists("default.java_ingest_missing"));

    assertEquals(n, ingest("java_ingest", TableExistsOption.TABLE_EXISTS_OPTION_APPEND,
        TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL));
    // The root session had read the table before: its cached relation was invalidated.
    assertEquals(2 * n, gateway.spark.table("default.java_ingest").count());
  }
}
