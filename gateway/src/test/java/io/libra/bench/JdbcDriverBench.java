package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.classic.SparkSession;

/**
 * JDBC drivers against one gateway ({@code scripts/bench --jdbc [baseline.jar] [rows]}): Libra's
 * driver of this build ({@code jdbc-driver/target}), optionally a baseline jar of Libra's driver
 * (an earlier build, e.g. the one on Arrow's Avatica driver), and the Arrow Flight SQL JDBC driver
 * 18.3.0 (the reference, on the test class path), all against one gateway with the default
 * endpoints (a large result has one per core), and Libra's driver against a second gateway on the
 * same SparkContext with {@code libra.results.max-endpoints=1} ({@code libra-1-endpoint}: what
 * several endpoints read in parallel bring). Interleaved rounds (one warm-up, then 5), each
 * driver in turn: {@code SELECT 1} round trips on one connection (p50 of 200 after 20 warm-ups),
 * then {@code SELECT id, id * 1.5 AS d, CAST(id AS STRING) AS s FROM range(rows)} read with
 * getLong, getDouble and getString of every row (rows/s). Prints medians and ratios to the
 * reference; the last line is machine-readable ({@code RESULT …}).
 */
public final class JdbcDriverBench {
  private JdbcDriverBench() {}

  public static void main(String[] args) throws Exception {
    Path baseline = args.length > 0 && !args[0].isEmpty() ? Path.of(args[0]) : null;
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 5_000_000;
    int rounds = 5;
    Path home = Path.of(System.getProperty("libra.home", "."));
    Path work = Files.createTempDirectory("libra-bench-jdbc-");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[*]");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.catalogImplementation", "in-memory");
    SparkEngine engine = SparkEngine.start(conf, work, true);
    SparkSession spark = engine.rootSession();
    Map<String, List<Double>> p50 = new LinkedHashMap<>();
    Map<String, List<Double>> rate = new LinkedHashMap<>();
    List<URLClassLoader> loaders = new ArrayList<>();
    Path work1 = Files.createTempDirectory("libra-bench-jdbc-1-");
    try (LibraServer server = LibraServer.start(LibraConfig.load(work, work.resolve("none"),
        Map.of(), Map.of("libra.server.port", "0", "libra.work-dir", work.toString())), spark);
        LibraServer oneEndpoint = LibraServer.start(LibraConfig.load(work1,
            work1.resolve("none"), Map.of(), Map.of("libra.server.port", "0",
                "libra.work-dir", work1.toString(), "libra.results.max-endpoints", "1")), spark)) {
      Map<String, JdbcDrivers.Connector> drivers = new LinkedHashMap<>();
      drivers.put("arrow-18.3.0", JdbcDrivers.arrow(server.port()));
      drivers.put("libra", JdbcDrivers.libra(home, server.port()));
      // The same driver against a gateway that answers every result with one endpoint.
      drivers.put("libra-1-endpoint", JdbcDrivers.libra(home, oneEndpoint.port()));
      if (baseline != null) {
        URLClassLoader loader = new URLClassLoader(new URL[] {baseline.toUri().toURL()},
            ClassLoader.getPlatformClassLoader());
        loaders.add(loader);
        Driver d = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
            .getDeclaredConstructor().newInstance();
        String url = "jdbc:libra://127.0.0.1:" + server.port();
        drivers.put("libra-baseline", () -> d.connect(url, new Properties()));
      }
      String fetch = "SELECT id, id * 1.5 AS d, CAST(id AS STRING) AS s FROM range(" + rows + ")";
      for (int r = 0; r <= rounds; r++) { // round 0 warms up
        for (Map.Entry<String, JdbcDrivers.Connector> d : drivers.entrySet()) {
          try (Connection c = d.getValue().connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
              selectOne(s);
            }
            double[] ms = new double[200];
            for (int i = 0; i < ms.length; i++) {
              long t0 = System.nanoTime();
              selectOne(s);
              ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            long t0 = System.nanoTime();
            long n = 0;
            double sum = 0;
            try (ResultSet rs = s.executeQuery(fetch)) {
              while (rs.next()) {
                sum += rs.getLong(1) + rs.getDouble(2) + rs.getString(3).length();
                n++;
              }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (n != rows || sum <= 0) {
              throw new IllegalStateException(d.getKey() + " read " + n + " rows");
            }
            if (r > 0) {
              p50.computeIfAbsent(d.getKey(), k -> new ArrayList<>()).add(ms[ms.length / 2]);
              rate.computeIfAbsent(d.getKey(), k -> new ArrayList<>()).add(n / secs);
            }
          }
        }
      }
    } finally {
      for (URLClassLoader l : loaders) {
        l.close();
      }
      engine.close();
    }
    double refP50 = median(p50.get("arrow-18.3.0"));
    double refRate = median(rate.get("arrow-18.3.0"));
    System.out.printf(Locale.ROOT, "JDBC drivers, %d rounds (medians), range(%d) x 3 columns%n",
        rounds, rows);
    System.out.printf(Locale.ROOT, "%-16s %14s %10s %14s %10s%n", "driver", "SELECT 1 p50 ms",
        "/ arrow", "rows/s", "/ arrow");
    StringBuilder result = new StringBuilder("RESULT");
    for (String d : p50.keySet()) {
      double p = median(p50.get(d));
      double q = median(rate.get(d));
      System.out.printf(Locale.ROOT, "%-16s %14.2f %10.2f %14.0f %10.2f%n", d, p, p / refP50, q,
          q / refRate);
      result.append(String.format(Locale.ROOT, " %s_p50_ms=%.2f %s_rows_per_s=%.0f", d, p, d, q));
    }
    System.out.println(result);
  }

  private static void selectOne(Statement s) throws Exception {
    try (ResultSet rs = s.executeQuery("SELECT 1")) {
      if (!rs.next() || rs.getInt(1) != 1) {
        throw new IllegalStateException("SELECT 1");
      }
    }
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }
}
