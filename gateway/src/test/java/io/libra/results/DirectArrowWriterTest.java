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
