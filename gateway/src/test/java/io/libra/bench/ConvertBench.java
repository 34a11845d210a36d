package io.libra.bench;

import io.libra.engine.SparkEngine;
import io.libra.results.ArrowBatchRdd;
import io.libra.results.PartitionPrefetcher;
import io.libra.tpch.TpchLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Rows → Arrow IPC inside the Spark tasks, nothing else: Libra's converter
 * ({@code ArrowBatchRdd}) against Spark's {@code ArrowConverters.toBatchWithSchemaIterator} (the
 * reference, what Spark Connect runs), on range(N) × (id, id * 1.5 — a decimal —, string) — rows from generated
 * code — and TPC-H {@code lineitem} — column batches of the vectorized Parquet reader. Each run is
 * one Spark job whose tasks convert their partition and count the payload bytes (no block storage,
 * no fetch). Beside them, Libra's converter with blocks stored and fetched by the driver (the
 * in-process reference of {@code LibraBench}), and the plan's rows alone (read, not converted): the part of either
 * converter's time that is Spark computing rows. A warm-up round, then 5 rounds of the three in
 * turn; medians.
 *
 * <p>Usage: {@code ConvertBench [rows (10000000)] [tpch scale (1)]}, through
 * {@code scripts/bench --convert}.
 */
public final class ConvertBench {
  private ConvertBench() {}

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1;
    int rounds = 5;
    Path work = Files.createTempDirectory("libra-convert-bench-");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[*]");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.catalogImplementation", "in-memory");
    try (SparkEngine engine = SparkEngine.start(conf, work, true)) {
      SparkSession spark = engine.rootSession();
      TpchLoader.load(spark, scale);
      System.out.printf(Locale.ROOT, "Rows to Arrow IPC in Spark's tasks, Spark %s local[*] on %d"
          + " cores; 65,536 rows / 4 MiB per batch%n%n", spark.version(),
          Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "%-26s %13s %13s %11s %19s %18s%n", "query",
          "Spark rows/s", "Libra rows/s", "Libra/Spark", "+ blocks → driver", "rows alone rows/s");
      for (String sql : List.of("SELECT id, id * 1.5 AS d, CAST(id AS STRING) AS s FROM range("
          + n + ")", "SELECT * FROM tpch.lineitem")) {
        Map<String, List<Double>> secs = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        long rows = spark.sql(sql).count();
        for (int round = -1; round < rounds; round++) {
          for (String path : List.of("spark", "libra", "blocks", "rows")) {
            long t0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            long bytes = switch (path) {
              case "rows" -> rowsAlone(spark, sql);
              case "blocks" -> throughBlocks(spark, sql);
              default -> bytes(spark, sql, path.equals("libra"));
            };
            double s = (System.nanoTime() - t0) / 1e9;
            if (bytes <= 0) {
              throw new IllegalStateException("no bytes from " + path);
            }
            if (round >= 0) {
              secs.computeIfAbsent(path, k -> new ArrayList<>()).add(s);
              cpu.computeIfAbsent(path, k -> new ArrayList<>())
                  .add((processCpuNanos() - cpu0) / 1e9);
            }
          }
        }
        double sparkS = median(secs.get("spark"));
        double libraS = median(secs.get("libra"));
        System.out.printf(Locale.ROOT, "%-26s %13.0f %13.0f %10.2f× %19.0f %18.0f%n",
            sql.contains("lineitem") ? "lineitem (" + rows + " rows)" : "range(" + n + ")",
            rows / sparkS, rows / libraS, sparkS / libraS, rows / median(secs.get("blocks")),
            rows / median(secs.get("rows")));
        StringBuilder line = new StringBuilder("  process CPU s / wall s:");
        for (String path : secs.keySet()) {
          line.append(String.format(Locale.ROOT, " %s %.2f / %.2f;", path, median(cpu.get(path)),
              median(secs.get(path))));
        }
        System.out.println(line);
      }
    }
  }

  private static long bytes(SparkSession spark, String sql, boolean libra) {
    Dataset<Row> ds = spark.sql(sql);
    StructType schema = ds.schema();
    JavaRDD<byte[]> payloads;
    if (libra) {
      payloads = ArrowBatchRdd.of(ds.queryExecution(), schema, "UTC", 65_536, 4L << 20);
    } else {
      payloads = ds.queryExecution().toRdd().toJavaRDD().mapPartitions(
          (FlatMapFunction<Iterator<InternalRow>, byte[]>) rows -> CollectionConverters.asJava(
              ArrowConverters$.MODULE$.toBatchWithSchemaIterator(
                  CollectionConverters.asScala(rows), schema, 65_536, 4L << 20, "UTC", false,
                  false)), true);
    }
    return payloads.map(p -> (long) p.length).reduce(Long::sum);
  }

  /**
   * Libra's converter with its results stored as blocks by the tasks and fetched by the driver
   * ({@code PartitionPrefetcher}, 4 partitions ahead, 256 MiB): the in-process reference of
   * {@code LibraBench}, what every client path carries before gRPC.
   */
  private static long throughBlocks(SparkSession spark, String sql) throws Exception {
    Dataset<Row> ds = spark.sql(sql);
    long bytes = 0;
    try (PartitionPrefetcher p = new PartitionPrefetcher(spark.sparkContext(),
        ArrowBatchRdd.of(ds.queryExecution(), ds.schema(), "UTC", 65_536, 4L << 20), 4,
        256L << 20)) {
      byte[] payload;
      while ((payload = p.next()) != null) {
        bytes += payload.length;
      }
    }
    return bytes;
  }

  /**
   * The plan's rows with no conversion: each task reads every row of its partition (as a
   * converter would, from {@code QueryExecution.toRdd}) and sums one field, so Spark computes
   * every row; what is left of a converter's time over this is the conversion.
   */
  private static long rowsAlone(SparkSession spark, String sql) {
    Dataset<Row> ds = spark.sql(sql);
    return ds.queryExecution().toRdd().toJavaRDD().mapPartitions(
        (FlatMapFunction<Iterator<InternalRow>, Long>) rows -> {
          long sum = 1;
          while (rows.hasNext()) {
            InternalRow r = rows.next();
            sum += r.isNullAt(0) ? 0 : r.getLong(0);
          }
          return List.of(sum).iterator();
        }).reduce(Long::sum);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
