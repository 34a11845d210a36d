package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import io.libra.results.ArrowBatchRdd;
import io.libra.results.PartitionPrefetcher;
import io.libra.tpch.TpchLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;

/**
 * Large-fetch benchmark, one JVM: the same query fetched (1) in process — Arrow conversion on the
 * executors and ordered collection on the driver, no network: the limit of this design —, (2) through
 * Arrow's FlightSqlClient and (3) through the Arrow Flight SQL JDBC driver reading every column.
 * Prints median rows/s of each and the ratios to the in-process reference.
 *
 * <p>Usage: {@code scripts/bench [--scale 0.1] [--runs 5]}.
 */
public final class FetchBench {
  public static void main(String[] args) throws Exception {
    double scale = 0.1;
    int runs = 5;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--scale")) {
        scale = Double.parseDouble(args[++i]);
      } else if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[++i]);
      }
    }
    Path work = Files.createTempDirectory("libra-bench-");
    SparkEngine engine = SparkEngine.start(Map.of("spark.master", "local[*]",
        "spark.ui.enabled", "false", "spark.sql.catalogImplementation", "in-memory"), work, true);
    SparkSession spark = engine.rootSession();
    TpchLoader.load(spark, scale);
    LibraConfig config = LibraConfig.load(work, work.resolve("none"), Map.of(),
        Map.of("libra.server.port", "0", "libra.work-dir", work.toString()));
    String sql = "SELECT * FROM tpch.lineitem";
    try (LibraServer server = LibraServer.start(config, spark)) {
      String url = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=false";
      long rows = spark.table("tpch.lineitem").count();
      System.out.printf("query: %s  (TPC-H scale %s, %,d rows, %d runs after 1 warm-up)%n", sql,
          scale, rows, runs);
      double inProcess = median(runs, () -> inProcess(spark, sql));
      double flight = median(runs, () -> flightSqlClient(server.port(), sql));
      double jdbc = median(runs, () -> jdbc(url, sql));
      System.out.printf("%-28s %12s %10s%n", "path", "rows/s", "ratio");
      print("in-process Arrow (reference)", rows, inProcess, inProcess);
      print("FlightSqlClient", rows, flight, inProcess);
      print("JDBC driver 18.3.0", rows, jdbc, inProcess);
    } finally {
      engine.close();
    }
  }

  private interface Run {
    long run() throws Exception;
  }

  /** Median seconds of {@code runs} timed runs after one warm-up. */
  private static double median(int runs, Run r) throws Exception {
    r.run();
    List<Double> secs = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      r.run();
      secs.add((System.nanoTime() - t0) / 1e9);
    }
    Collections.sort(secs);
    return secs.get(secs.size() / 2);
  }

  private static void print(String name, long rows, double secs, double refSecs) {
    System.out.printf("%-28s %,12.0f %10.2f%n", name, rows / secs, refSecs / secs);
  }

  private static long inProcess(SparkSession spark, String sql) throws Exception {
    Dataset<Row> ds = spark.sql(sql);
    long bytes = 0;
    try (PartitionPrefetcher p = new PartitionPrefetcher(spark.sparkContext(),
        ArrowBatchRdd.of(ds.queryExecution().toRdd(), ds.schema(), "UTC", 10_000, 4L << 20),
        4, 256L << 20)) {
      byte[][] part;
      while ((part = p.next()) != null) {
        for (byte[] b : part) {
          bytes += b.length;
        }
      }
    }
    return bytes;
  }

  private static long flightSqlClient(int port, String sql) throws Exception {
    long rows = 0;
    try (RootAllocator a = new RootAllocator();
        FlightSqlClient client = new FlightSqlClient(
            FlightClient.builder(a, Location.forGrpcInsecure("127.0.0.1", port)).build())) {
      FlightInfo info = client.execute(sql);
      try (FlightStream s = client.getStream(info.getEndpoints().get(0).getTicket())) {
        while (s.next()) {
          rows += s.getRoot().getRowCount();
        }
      }
    }
    return rows;
  }

  private static long jdbc(String url, String sql) throws Exception {
    long rows = 0;
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int cols = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= cols; i++) {
          rs.getObject(i);
        }
        rows++;
      }
    }
    return rows;
  }
}
