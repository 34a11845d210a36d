package io.libra.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.it.TestGateway;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link DirectArrowWriter} produces the very bytes of Spark's own converter
 * ({@code ArrowConverters.toBatchWithSchemaIterator}) for every type it accepts, with nulls, edge
 * values and non-ASCII text, and releases its Arrow memory.
 */
class DirectArrowWriterTest {
  private static final String VALUES = "SELECT * FROM VALUES"
      + " (true, 1Y, 2S, 3, 4L, 1.5F, 2.5D, 'abc', X'0102', 12.34BD,"
      + "  CAST(123456789012345678901.5 AS DECIMAL(25,1)), DATE'2024-02-29',"
      + "  TIMESTAMP'2024-03-10 02:30:00', TIMESTAMP_NTZ'1969-12-31 23:59:59.999999'),"
      + " (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      + " (false, -128Y, -32768S, -2147483648, -9223372036854775808L, CAST('NaN' AS FLOAT),"
      + "  CAST('-Infinity' AS DOUBLE), 'żółć 日本 🎉', X'', -99.99BD,"
      + "  CAST(-999999999999999999999999.9 AS DECIMAL(25,1)), DATE'0001-01-01',"
      + "  TIMESTAMP'1900-01-01 00:00:00', TIMESTAMP_NTZ'9999-12-31 23:59:59.999999'),"
      + " (true, 127Y, 32767S, 2147483647, 9223372036854775807L, 0.0F, -0.0D, '', X'FF',"
      + "  0.00BD, 0.0BD, DATE'1970-01-01', TIMESTAMP'1970-01-01 00:00:00Z',"
      + "  TIMESTAMP_NTZ'2000-01-01 00:00:00')"
      + " AS t(b, y, s, i, l, f, d, str, bin, dec, big, dt, ts, ntz)";

  @Test
  void writesTheSameBytesAsSparksConverter() throws Exception {
    // Repeat the rows so batches close on the record limit with nulls at varied positions.
    Dataset<Row> ds = TestGateway.get().spark.sql(
        "SELECT v.* FROM (" + VALUES + ") v, range(7)");
    StructType schema = ds.schema();
    assertTrue(DirectArrowWriter.supports(schema));
    InternalRow[] rows = (InternalRow[]) ds.queryExecution().executedPlan().executeCollect();
    assertEquals(28, rows.length);
    for (String zone : List.of("UTC", "America/New_York")) {
      for (int maxRecords : new int[] {1, 5, 10_000}) {
        List<byte[]> spark = spark(rows, schema, zone, maxRecords);
        List<byte[]> direct = new ArrayList<>();
        long before = ArrowUtils.rootAllocator().getAllocatedMemory();
        try (DirectArrowWriter w = new DirectArrowWriter(Arrays.asList(rows).iterator(), schema,
            zone, maxRecords, 64L << 20)) {
          w.forEachRemaining(direct::add);
        }
        assertEquals(before, ArrowUtils.rootAllocator().getAllocatedMemory(), "memory released");
        assertEquals(spark.size(), direct.size(), "batches, maxRecords " + maxRecords);
        for (int i = 0; i < spark.size(); i++) {
          assertArrayEquals(spark.get(i), direct.get(i), "batch " + i + " in " + zone);
        }
      }
    }
  }

  @Test
  void aParquetScanIsConvertedFromItsColumnBatchesToTheSameBytes() throws Exception {
    var spark = TestGateway.get().spark;
    String table = "direct_writer_columnar";
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql("CREATE TABLE " + table + " USING parquet AS SELECT v.* FROM (" + VALUES
        + ") v, range(50)");
    try {
      Dataset<Row> ds = spark.sql("SELECT * FROM " + table);
      StructType schema = ds.schema();
      assertTrue(ColumnarSource.batches(ds.queryExecution().executedPlan(), schema) != null,
          "a vectorized scan: " + ds.queryExecution().executedPlan());
      List<byte[]> direct = ArrowBatchRdd.of(ds.queryExecution(), schema, "UTC", 7, 64L << 20)
          .collect();
      Dataset<Row> again = spark.sql("SELECT * FROM " + table);
      List<byte[]> spark4 = again.queryExecution().toRdd().toJavaRDD().mapPartitions(
          (org.apache.spark.api.java.function.FlatMapFunction<Iterator<InternalRow>, byte[]>)
              rows -> CollectionConverters.asJava(ArrowConverters$.MODULE$
                  .toBatchWithSchemaIterator(CollectionConverters.asScala(rows), schema, 7,
                      64L << 20, "UTC", false, false)), true).collect();
      assertEquals(spark4.size(), direct.size(), "batches");
      for (int i = 0; i < spark4.size(); i++) {
        assertArrayEquals(spark4.get(i), direct.get(i), "batch " + i);
      }
      // A projection with an expression is not a plain scan: rows, as before.
      assertTrue(ColumnarSource.batches(spark.sql("SELECT i + 1 FROM " + table)
          .queryExecution().executedPlan(), new StructType().add("x", "int")) == null);
    } finally {
      spark.sql("DROP TABLE IF EXISTS " + table);
    }
  }

  /** Rows enough to grow every buffer several times, nulls and strings of varied lengths. */
  private static final String MANY = "SELECT id, IF(id % 7 = 0, NULL, id * 1.5D) AS d,"
      + " IF(id % 5 = 0, NULL, repeat(CAST(id AS STRING), CAST(id % 40 AS INT))) AS s,"
      + " CAST(id % 1000 AS DECIMAL(7,2)) AS small_dec,"
      + " IF(id % 3 = 0, NULL, CAST(id * 7 AS DECIMAL(15,2))) AS dec,"
      + " CAST(id AS DECIMAL(30,3)) AS wide, id % 2 = 0 AS b, CAST(id AS INT) AS i,"
      + " IF(id % 11 = 0, NULL, CAST(id % 100 AS TINYINT)) AS y,"
      + " CAST(id AS SHORT) AS sh, CAST(id AS FLOAT) AS f, DATE'2020-01-01' + CAST(id % 999 AS INT)"
      + " AS dt, TIMESTAMP_SECONDS(id) AS ts, CAST(CAST(id AS STRING) AS BINARY) AS bin,"
      // Few distinct values: Parquet keeps these dictionary-encoded in the column batches.
      + " IF(id % 13 = 0, NULL, repeat('abc', CAST(id % 3 AS INT) * 50)) AS code"
      + " FROM range(30000)";

  @Test
  void growsItsBuffersAcrossLargeBatchesToTheSameBytes() throws Exception {
    Dataset<Row> ds = TestGateway.get().spark.sql(MANY);
    StructType schema = ds.schema();
    assertTrue(DirectArrowWriter.supports(schema));
    InternalRow[] rows = (InternalRow[]) ds.queryExecution().executedPlan().executeCollect();
    for (int maxRecords : new int[] {4095, 4097, 30_000}) {
      List<byte[]> spark = spark(rows, schema, "UTC", maxRecords);
      List<byte[]> direct = new ArrayList<>();
      long before = ArrowUtils.rootAllocator().getAllocatedMemory();
      try (DirectArrowWriter w = new DirectArrowWriter(Arrays.asList(rows).iterator(), schema,
          "UTC", maxRecords, 64L << 20)) {
        w.forEachRemaining(direct::add);
      }
      assertEquals(before, ArrowUtils.rootAllocator().getAllocatedMemory(), "memory released");
      assertEquals(spark.size(), direct.size(), "batches, maxRecords " + maxRecords);
      for (int i = 0; i < spark.size(); i++) {
        assertArrayEquals(spark.get(i), direct.get(i), "batch " + i + ", maxRecords " + maxRecords);
      }
    }
  }

  @Test
  void columnBatchesGiveTheBytesAndBatchesOfRows() throws Exception {
    // Parquet (on-heap column vectors, dictionaries), ORC (its own vectors) and a partitioned
    // table (the partition column a constant vector).
    for (String using : List.of("parquet", "orc", "parquet PARTITIONED BY (part)")) {
      columnBatchesGiveTheBytesAndBatchesOfRows(using);
    }
  }

  private void columnBatchesGiveTheBytesAndBatchesOfRows(String using) throws Exception {
    var spark = TestGateway.get().spark;
    String table = "direct_writer_columnar_many";
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql("CREATE TABLE " + table + " USING " + using + " AS SELECT *,"
        + " IF(id < 20000, 'p1', 'p2') AS part FROM (" + MANY + ")");
    try {
      Dataset<Row> ds = spark.sql("SELECT * FROM " + table);
      StructType schema = ds.schema();
      assertTrue(ColumnarSource.batches(ds.queryExecution().executedPlan(), schema) != null,
          "a vectorized scan: " + ds.queryExecution().executedPlan());
      // Column by column (the scan's batches) and row by row (the same scan's rows), with a
      // record limit that splits the scan's 4,096-row batches and a byte limit that closes
      // batches between them: the same payloads.
      for (long[] limits : new long[][] {{65_536, 64L << 20}, {3000, 64L << 20},
          {65_536, 96 * 1024}, {1, 64L << 20}}) {
        List<byte[]> columnar = ArrowBatchRdd.of(ds.queryExecution(), schema, "UTC", limits[0],
            limits[1]).collect();
        List<byte[]> rows = ArrowBatchRdd.of(spark.sql("SELECT * FROM " + table)
            .queryExecution().toRdd(), schema, "UTC", limits[0], limits[1]).collect();
        assertEquals(rows.size(), columnar.size(), using + ": batches at "
            + Arrays.toString(limits));
        for (int i = 0; i < rows.size(); i++) {
          assertArrayEquals(rows.get(i), columnar.get(i), "batch " + i + " at "
              + Arrays.toString(limits));
        }
        if (limits[1] == 64L << 20) {
          List<byte[]> spark4 = spark.sql("SELECT * FROM " + table).queryExecution().toRdd()
              .toJavaRDD().mapPartitions(
                  (org.apache.spark.api.java.function.FlatMapFunction<Iterator<InternalRow>,
                      byte[]>) it -> CollectionConverters.asJava(ArrowConverters$.MODULE$
                      .toBatchWithSchemaIterator(CollectionConverters.asScala(it), schema,
                          limits[0], 64L << 20, "UTC", false, false)), true).collect();
          assertEquals(spark4.size(), columnar.size(), "batches vs Spark's converter");
          for (int i = 0; i < spark4.size(); i++) {
            assertArrayEquals(spark4.get(i), columnar.get(i), "batch " + i + " vs Spark's");
          }
        }
      }
    } finally {
      spark.sql("DROP TABLE IF EXISTS " + table);
    }
  }

  @Test
  void closesBatchesAtTheEstimatedByteLimit() throws Exception {
    Dataset<Row> ds = TestGateway.get().spark.sql(
        "SELECT id, repeat('x', 100) AS s FROM range(1000)");
    InternalRow[] rows = (InternalRow[]) ds.queryExecution().executedPlan().executeCollect();
    List<byte[]> direct = new ArrayList<>();
    try (DirectArrowWriter w = new DirectArrowWriter(Arrays.asList(rows).iterator(), ds.schema(),
        "UTC", 10_000, 16 * 1024)) {
      w.forEachRemaining(direct::add);
    }
    assertTrue(direct.size() >= 1000 * 100 / (16 * 1024), "batches " + direct.size());
    for (byte[] payload : direct) {
      assertTrue(payload.length < 3 * 16 * 1024, "payload " + payload.length);
    }
  }

  @Test
  void leavesNestedAndIntervalTypesToSpark() throws Exception {
    for (String sql : List.of("SELECT array(1) a", "SELECT named_struct('x', 1) a",
        "SELECT map(1, 2) a", "SELECT INTERVAL '1' DAY a", "SELECT NULL a")) {
      assertFalse(DirectArrowWriter.supports(TestGateway.get().spark.sql(sql).schema()), sql);
    }
  }

  private static List<byte[]> spark(InternalRow[] rows, StructType schema, String zone,
      int maxRecords) {
    Iterator<byte[]> it = CollectionConverters.asJava(ArrowConverters$.MODULE$
        .toBatchWithSchemaIterator(CollectionConverters.asScala(Arrays.asList(rows).iterator()),
            schema, maxRecords, 64L << 20, zone, false, false));
    List<byte[]> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
