package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.classic.SparkSession;

/**
 * What the metrics cost ({@code scripts/bench --metrics}): two gateways on one SparkContext, one
 * with the operations port off ({@code libra.metrics.port=-1}: nothing counted) and one with it on
 * and scraped every second; interleaved rounds of {@code SELECT 1} round trips (p50) and a large
 * fetch (range × id, double, string through FlightSqlClient, rows/s). Prints on/off ratios.
 */
public final class MetricsOverheadBench {
  private MetricsOverheadBench() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
    int rounds = 3;
    Path work = Files.createTempDirectory("libra-bench-metrics-");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[*]");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.catalogImplementation", "in-memory");
    SparkEngine engine = SparkEngine.start(conf, work, true);
    SparkSession spark = engine.rootSession();
    Map<String, List<Double>> p50 = new LinkedHashMap<>();
    Map<String, List<Double>> rate = new LinkedHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (LibraServer off = LibraServer.start(config(work, "-1"), spark);
        LibraServer on = LibraServer.start(config(work, "0"), spark);
        RootAllocator allocator = new RootAllocator()) {
      Thread scraper = new Thread(() -> {
        HttpClient http = HttpClient.newHttpClient();
        while (!stop.get()) {
          try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.opsPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.discarding());
            Thread.sleep(1000);
          } catch (Exception e) {
            return;
          }
        }
      }, "scraper");
      scraper.setDaemon(true);
      scraper.start();
      String fetch = "SELECT id, id * 1.5 AS d, CAST(id AS STRING) AS s FROM range(" + rows + ")";
      for (int r = 0; r < rounds + 1; r++) { // round 0 warms up
        for (Map.Entry<String, LibraServer> s : Map.of("off", off, "on", on).entrySet()) {
          try (FlightClient raw = FlightClient.builder(allocator,
              Location.forGrpcInsecure("127.0.0.1", s.getValue().port())).build();
              FlightSqlClient sql = new FlightSqlClient(raw)) {
            double[] ms = new double[200];
            for (int i = 0; i < ms.length; i++) {
              long t0 = System.nanoTime();
              read(sql, "SELECT 1");
              ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            long t0 = System.nanoTime();
            long n = read(sql, fetch);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
              p50.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(ms[ms.length / 2]);
              rate.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(n / secs);
            }
          }
        }
      }
      stop.set(true);
    } finally {
      engine.close();
    }
    double p50Off = median(p50.get("off"));
    double p50On = median(p50.get("on"));
    double rateOff = median(rate.get("off"));
    double rateOn = median(rate.get("on"));
    System.out.printf(Locale.ROOT, "metrics overhead (%d rounds, medians; on = scraped every 1 s)%n",
        rounds);
    System.out.printf(Locale.ROOT, "SELECT 1 p50 ms: off %.2f, on %.2f, on/off %.3f%n", p50Off,
        p50On, p50On / p50Off);
    System.out.printf(Locale.ROOT, "range(%d) rows/s: off %.0f, on %.0f, on/off %.3f%n", rows,
        rateOff, rateOn, rateOn / rateOff);
    System.out.printf(Locale.ROOT, "RESULT select1_p50_ratio=%.3f fetch_rate_ratio=%.3f%n",
        p50On / p50Off, rateOn / rateOff);
  }

  private static LibraConfig config(Path work, String metricsPort) throws Exception {
    Path dir = Files.createTempDirectory(work, "gw-");
    return LibraConfig.load(dir, dir.resolve("none"), Map.of(), Map.of("libra.server.port", "0",
        "libra.work-dir", dir.toString(), "libra.metrics.port", metricsPort));
  }

  private static long read(FlightSqlClient sql, String query) throws Exception {
    long n = 0;
    try (FlightStream s = sql.getStream(sql.execute(query).getEndpoints().get(0).getTicket())) {
      while (s.next()) {
        n += s.getRoot().getRowCount();
      }
    }
    return n;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(sorted.size() / 2);
  }
}
