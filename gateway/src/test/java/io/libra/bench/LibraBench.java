package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import io.libra.tpch.TpchLoader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.classic.SparkSession;

/**
 * scripts/bench: Libra against Spark Connect and against the in-process limit, on one SparkContext
 * ({@code local[*]}) that serves both Libra's Flight SQL server and a Spark Connect server
 * ({@code spark.plugins=SparkConnectPlugin}), so both see the same Spark, data and settings. The
 * Spark Connect JVM client runs in its own JVM ({@code bench-connect} module, {@link ConnectClient}),
 * one for the whole run, kept warm like the in-JVM clients.
 *
 * <p>Scenarios (each after a warm-up; medians): large fetch of {@code SELECT id, id * 1.5 AS d,
 * CAST(id AS STRING) AS s FROM range(N)} and {@code SELECT * FROM tpch.lineitem} through the JDBC
 * driver ({@code jdbc:libra://}, and the plain Arrow driver), FlightSqlClient, the Spark Connect
 * JVM client and in process (Libra's converter: the reference; and Spark's
 * {@code ArrowConverters}), 5 rounds after a warm-up round, the in-JVM paths interleaved within
 * each round ({@link FetchPaths#interleaved}); then the Python clients into a pyarrow Table,
 * interleaved among themselves ({@link PythonClients}, when scripts/bench has a Python): Libra
 * through ADBC and pyarrow.flight, Spark Connect through pyspark's {@code toArrow()}, with the
 * server heap peak during each; {@code SELECT 1} and TPC-H Q6 latency (p50/p99, Libra and
 * Connect in alternating blocks, {@link #latency}); 32 JDBC
 * connections running short queries. Prints a table and writes {@code bench-results/latest.json}.
 *
 * <p>Usage: {@code LibraBench CONNECT_CLIENT_CLASSPATH [--quick]}.
 */
public final class LibraBench {
  static final String Q6 = "SELECT sum(l_extendedprice * l_discount) AS revenue FROM tpch.lineitem"
      + " WHERE l_shipdate >= DATE'1994-01-01' AND l_shipdate < DATE'1995-01-01'"
      + " AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24";

  /** Alternating blocks per latency scenario ({@link #latency}). */
  static final int LATENCY_BLOCKS = 4;

  public static void main(String[] args) throws Exception {
    String connectClasspath = args[0];
    boolean quick = args.length > 1 && args[1].equals("--quick");
    long n = quick ? 1_000_000 : 10_000_000;
    double scale = quick ? 0.1 : 1;
    int fetchRuns = 5;
    int latencyRuns = quick ? 50 : 200;
    int concurrencySeconds = quick ? 10 : 30;

    int connectPort;
    try (ServerSocket s = new ServerSocket(0)) {
      connectPort = s.getLocalPort();
    }
    Path work = Files.createTempDirectory("libra-bench-");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[*]");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.catalogImplementation", "in-memory");
    conf.put("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin");
    conf.put("spark.connect.grpc.binding.address", "127.0.0.1");
    conf.put("spark.connect.grpc.binding.port", Integer.toString(connectPort));
    SparkEngine engine = SparkEngine.start(conf, work, true);
    SparkSession spark = engine.rootSession();
    TpchLoader.load(spark, scale);
    LibraConfig config = LibraConfig.load(work, work.resolve("none"), Map.of(),
        Map.of("libra.server.port", "0", "libra.work-dir", work.toString()));
    String connectUrl = "sc://127.0.0.1:" + connectPort;
    Map<String, Object> json = new LinkedHashMap<>();
    try (LibraServer server = LibraServer.start(config, spark);
        ConnectClient connect = new ConnectClient(connectClasspath, connectUrl)) {
      JdbcDrivers.Connector libraJdbc = JdbcDrivers.libra(
          Path.of(System.getProperty("libra.home", ".")), server.port());
      FetchPaths paths = new FetchPaths(spark, server.port(), libraJdbc,
          JdbcDrivers.arrow(server.port()), config);
      System.out.printf(Locale.ROOT, "Libra vs Spark Connect, Spark %s local[*] on %d cores;"
          + " %s mode%n%n", spark.version(), Runtime.getRuntime().availableProcessors(),
          quick ? "quick" : "full");
      System.out.printf(Locale.ROOT, "%-58s %14s %10s %14s%n", "large fetch (higher is better)",
          "rows/s", "MB/s", "vs in-process");
      List<Map<String, Object>> fetches = new ArrayList<>();
      for (String sql : List.of("SELECT id, id * 1.5 AS d, CAST(id AS STRING) AS s FROM range("
          + n + ")", "SELECT * FROM tpch.lineitem")) {
        fetches.add(largeFetch(paths, connect, connectUrl, server.port(), sql, fetchRuns));
      }
      json.put("large_fetch", Map.of(
          "ratio_vs_spark_connect", fetches.get(0).get("jdbc_vs_spark_connect"),
          "ratio_vs_in_process", fetches.get(0).get("jdbc_vs_in_process"),
          "ratio_vs_in_process_spark_converter",
          fetches.get(0).get("jdbc_vs_in_process_spark_converter"),
          "queries", fetches));

      System.out.printf(Locale.ROOT, "%n%-40s %12s %12s %22s%n",
          "small-query latency (lower is better)", "p50 ms", "p99 ms", "p50 Libra / Connect");
      Map<String, Object> select1 = latency(paths, connect, "SELECT 1", latencyRuns);
      Map<String, Object> q6 = latency(paths, connect, Q6, latencyRuns);
      json.put("select1", select1);
      json.put("q6", q6);

      Map<String, Object> concurrency = Concurrency.run(libraJdbc, 32, concurrencySeconds);
      System.out.printf(Locale.ROOT, "%nconcurrency (Libra only): 32 JDBC connections running"
          + " SELECT 1 and point lookups for %d s: %.1f queries/s, %d errors, p99 %.1f ms%n", concurrencySeconds, concurrency.get("queries_per_s"),
          concurrency.get("errors"), concurrency.get("p99_ms"));
      json.put("concurrency", concurrency);
      json.put("mode", quick ? "quick" : "full");
      json.put("tpch_scale", scale);
      json.put("range_rows", n);
      paths.close();
    } finally {
      engine.close();
    }
    Path out = Path.of(System.getProperty("libra.home", ".")).resolve("bench-results");
    Files.createDirectories(out);
    Files.writeString(out.resolve("latest.json"), new com.fasterxml.jackson.databind.ObjectMapper()
        .writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    System.out.println("\nwrote " + out.resolve("latest.json"));
  }

  private static Map<String, Object> largeFetch(FetchPaths paths, ConnectClient connectClient,
      String connectUrl, int port, String sql, int runs) throws Exception {
    // The in-process path counts the Arrow bytes: MB/s of every path uses them.
    Map<String, FetchPaths.Run> runners = new LinkedHashMap<>();
    runners.put("in-process", () -> paths.inProcess(sql));
    runners.put("in-process-spark", () -> paths.inProcessSparkConverter(sql));
    runners.put("flight", () -> paths.flightSqlClient(sql));
    runners.put("arrow-jdbc", () -> paths.arrowJdbc(sql));
    runners.put("jdbc", () -> paths.jdbc(sql));
    Map<String, FetchPaths.Measure> measured = paths.interleaved(runs, runners);
    FetchPaths.Measure inProcess = measured.get("in-process");
    FetchPaths.Measure inProcessSpark = measured.get("in-process-spark");
    FetchPaths.Measure flight = measured.get("flight");
    FetchPaths.Measure arrowJdbc = measured.get("arrow-jdbc");
    FetchPaths.Measure jdbc = measured.get("jdbc");
    Map<String, String> connect = connectClient.fetch(runs, sql);
    double connectSecs = Double.parseDouble(connect.get("median_s"));
    Map<String, PythonClients.Result> python = PythonClients.fetch(port, connectUrl, sql, runs);
    long rows = jdbc.rows();
    for (Map.Entry<String, FetchPaths.Measure> e : measured.entrySet()) {
      if (e.getValue().rows() != rows && e.getValue().rows() != 0) { // in-process counts bytes
        throw new IllegalStateException(e.getKey() + " read " + e.getValue().rows()
            + " rows, Libra JDBC " + rows);
      }
    }
    double mb = inProcess.bytes() / 1e6;
    System.out.println(sql);
    row("  in-process Arrow, Libra's converter (reference)", rows, mb, inProcess.seconds(),
        inProcess.seconds());
    row("  in-process Arrow, Spark's ArrowConverters", rows, mb, inProcessSpark.seconds(),
        inProcess.seconds());
    row("  Spark Connect JVM client", rows, mb, connectSecs, inProcess.seconds());
    row("  Libra FlightSqlClient", rows, mb, flight.seconds(), inProcess.seconds());
    row("  Libra via Arrow Flight SQL JDBC driver 18.3.0", rows, mb, arrowJdbc.seconds(),
        inProcess.seconds());
    row("  Libra JDBC driver (jdbc:libra://)", rows, mb, jdbc.seconds(), inProcess.seconds());
    System.out.printf(Locale.ROOT, "  JVM: throughput vs Spark Connect's JVM client (higher is"
        + " better): Libra JDBC %.2fx, FlightSqlClient %.2fx; Libra JDBC vs in-process with"
        + " Spark's converter %.2f%n", connectSecs / jdbc.seconds(),
        connectSecs / flight.seconds(), inProcessSpark.seconds() / jdbc.seconds());
    if (python != null) {
      PythonClients.Result adbc = python.get("adbc");
      PythonClients.Result pyarrow = python.get("pyarrow");
      PythonClients.Result pyspark = python.get("pyspark");
      System.out.println("  Python clients into a pyarrow Table (interleaved; server heap used,"
          + " peak while each read):");
      row("    Spark Connect, pyspark toArrow() (" + heap(pyspark) + ")", rows, mb,
          pyspark.medianSeconds(), inProcess.seconds());
      row("    Libra ADBC fetch_arrow_table() (" + heap(adbc) + ")",
          rows, mb, adbc.medianSeconds(), inProcess.seconds());
      row("    Libra pyarrow.flight read_all() (" + heap(pyarrow) + ")", rows, mb,
          pyarrow.medianSeconds(), inProcess.seconds());
      System.out.printf(Locale.ROOT, "  Python: Libra ADBC vs pyspark Connect toArrow() %.2fx,"
          + " pyarrow.flight vs pyspark %.2fx, ADBC vs in-process %.2f%n",
          pyspark.medianSeconds() / adbc.medianSeconds(),
          pyspark.medianSeconds() / pyarrow.medianSeconds(),
          inProcess.seconds() / adbc.medianSeconds());
      for (Map.Entry<String, PythonClients.Result> e : python.entrySet()) {
        if (e.getValue().rows() != rows) {
          throw new IllegalStateException(e.getKey() + " read " + e.getValue().rows()
              + " rows, JDBC " + rows);
        }
      }
    }
    if (Long.parseLong(connect.get("rows")) != rows) {
      throw new IllegalStateException("Spark Connect read " + connect.get("rows") + " rows, Libra "
          + rows);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sql", sql);
    m.put("rows", rows);
    m.put("arrow_mb", Math.round(mb * 10) / 10.0);
    m.put("in_process_rows_per_s", Math.round(rows / inProcess.seconds()));
    m.put("in_process_spark_converter_rows_per_s", Math.round(rows / inProcessSpark.seconds()));
    m.put("spark_connect_rows_per_s", Math.round(rows / connectSecs));
    m.put("flight_sql_client_rows_per_s", Math.round(rows / flight.seconds()));
    m.put("arrow_jdbc_rows_per_s", Math.round(rows / arrowJdbc.seconds()));
    m.put("jdbc_rows_per_s", Math.round(rows / jdbc.seconds()));
    if (python != null) {
      PythonClients.Result adbc = python.get("adbc");
      PythonClients.Result pyspark = python.get("pyspark");
      m.put("adbc_rows_per_s", Math.round(rows / adbc.medianSeconds()));
      m.put("pyarrow_flight_rows_per_s", Math.round(rows / python.get("pyarrow").medianSeconds()));
      m.put("pyspark_connect_rows_per_s", Math.round(rows / pyspark.medianSeconds()));
      m.put("adbc_vs_pyspark_connect", round3(pyspark.medianSeconds() / adbc.medianSeconds()));
      m.put("adbc_vs_in_process", round3(inProcess.seconds() / adbc.medianSeconds()));
      m.put("server_heap_peak_mib", Map.of("adbc", adbc.peakHeapBytes() >> 20,
          "pyarrow", python.get("pyarrow").peakHeapBytes() >> 20,
          "pyspark_connect", pyspark.peakHeapBytes() >> 20));
    }
    m.put("jdbc_vs_spark_connect", round3(connectSecs / jdbc.seconds()));
    m.put("jdbc_vs_in_process", round3(inProcess.seconds() / jdbc.seconds()));
    m.put("jdbc_vs_in_process_spark_converter",
        round3(inProcessSpark.seconds() / jdbc.seconds()));
    m.put("flight_sql_client_vs_spark_connect", round3(connectSecs / flight.seconds()));
    return m;
  }

  /**
   * Latency of {@code sql}, Libra's JDBC driver (one connection) against the Spark Connect client
   * (one session, its own JVM kept warm): 20 warm-up runs each, then {@value #LATENCY_BLOCKS}
   * blocks of runs alternating between the two (Libra, Connect, Connect, Libra, …), so both see
   * the same JIT and machine state. p50 and p99 over all measured runs.
   */
  private static Map<String, Object> latency(FetchPaths paths, ConnectClient connectClient,
      String sql, int runs) throws Exception {
    List<Double> libra = new ArrayList<>();
    List<Double> connect = new ArrayList<>();
    try (java.sql.Connection c = paths.newLibraConnection()) {
      FetchPaths.latencyBlock(c, sql, 20);
      connectClient.latency(20, sql);
      int block = Math.max(1, runs / LATENCY_BLOCKS);
      for (int b = 0; b < LATENCY_BLOCKS; b++) {
        if (b % 2 == 0) {
          libra.addAll(FetchPaths.latencyBlock(c, sql, block));
          connect.addAll(connectClient.latency(block, sql));
        } else {
          connect.addAll(connectClient.latency(block, sql));
          libra.addAll(FetchPaths.latencyBlock(c, sql, block));
        }
      }
    }
    double[] jdbc = percentiles(libra);
    double[] sc = percentiles(connect);
    double cp50 = sc[0];
    double cp99 = sc[1];
    String name = sql.length() > 30 ? "TPC-H Q6" : sql;
    System.out.printf(Locale.ROOT, "%-40s %12.1f %12.1f %22s%n", name + ": Spark Connect", cp50,
        cp99, "");
    System.out.printf(Locale.ROOT, "%-40s %12.1f %12.1f %22.2f%n", name + ": Libra JDBC", jdbc[0],
        jdbc[1], jdbc[0] / cp50);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runs", runs);
    m.put("libra_jdbc_p50_ms", round3(jdbc[0]));
    m.put("libra_jdbc_p99_ms", round3(jdbc[1]));
    m.put("spark_connect_p50_ms", cp50);
    m.put("spark_connect_p99_ms", cp99);
    m.put("p50_ratio_vs_spark_connect", round3(jdbc[0] / cp50));
    return m;
  }

  private static void row(String name, long rows, double mb, double secs, double refSecs) {
    System.out.printf(Locale.ROOT, "%-58s %,14.0f %10.1f %14.2f%n", name, rows / secs,
        mb / secs, refSecs / secs);
  }

  /** "heap 4567 MiB": the peak heap used while it read. */
  private static String heap(PythonClients.Result r) {
    return "heap " + (r.peakHeapBytes() >> 20) + " MiB";
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** p50 and p99 of {@code ms}. */
  private static double[] percentiles(List<Double> ms) {
    List<Double> sorted = new ArrayList<>(ms);
    java.util.Collections.sort(sorted);
    return new double[] {sorted.get(sorted.size() / 2),
        sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1))};
  }
}
