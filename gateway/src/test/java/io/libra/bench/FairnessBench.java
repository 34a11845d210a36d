package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
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
import java.util.concurrent.CompletableFuture;

/**
 * Fairness benchmark, one scheduler mode per JVM (Spark's scheduling mode is fixed per
 * SparkContext): median latency of a short query in pool {@code interactive} on an idle gateway,
 * then while a long query (1,200 tasks of 100 ms) saturates every core from pool
 * {@code low-priority}. Prints p50 and max of both and loaded / idle. Under FIFO the first short
 * query waits for every task of the long one to be launched, which the max shows.
 *
 * <p>Usage: {@code scripts/bench --fairness} (runs FAIR and FIFO).
 */
public final class FairnessBench {
  private static final String SHORT = "SELECT count(*) FROM range(0, 2000000, 1, 2)";
  private static final String LONG = "SELECT count(s) FROM (SELECT java_method("
      + "'java.lang.Thread', 'sleep', 100L) AS s FROM range(0, 1200, 1, 1200))";

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "FAIR";
    int samples = 30;
    Path work = Files.createTempDirectory("libra-fair-");
    Path home = Path.of(System.getProperty("libra.home", ".")).toAbsolutePath();
    SparkEngine engine = SparkEngine.start(Map.of("spark.master", "local[2]",
        "spark.ui.enabled", "false", "spark.sql.catalogImplementation", "in-memory",
        "spark.scheduler.mode", mode,
        "spark.scheduler.allocation.file", home.resolve("conf/fairscheduler.xml").toString(),
        io.libra.engine.SqlGuard.CONF, ""), work, true);
    LibraConfig config = LibraConfig.load(work, work.resolve("none"), Map.of(),
        Map.of("libra.server.port", "0", "libra.sql.denied-functions", ""));
    try (LibraServer server = LibraServer.start(config, engine.rootSession())) {
      String url = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=false";
      try (Connection interactive = DriverManager.getConnection(url + "&pool=interactive")) {
        latencies(interactive, 5); // warm-up
        List<Double> idle = latencies(interactive, samples);
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
          try (Connection c = DriverManager.getConnection(url + "&pool=low-priority");
              Statement s = c.createStatement(); ResultSet rs = s.executeQuery(LONG)) {
            rs.next();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        Thread.sleep(2000); // let the long query occupy both cores
        List<Double> loaded = latencies(interactive, samples);
        boolean stillLoaded = !load.isDone();
        double p50Idle = idle.get(samples / 2);
        double p50Loaded = loaded.get(samples / 2);
        double maxIdle = idle.get(samples - 1);
        double maxLoaded = loaded.get(samples - 1);
        System.out.printf("RESULT mode=%s idle p50=%.0f ms max=%.0f ms | loaded p50=%.0f ms"
            + " max=%.0f ms | p50 ratio=%.2f max ratio=%.1f%s%n", mode, p50Idle, maxIdle,
            p50Loaded, maxLoaded, p50Loaded / p50Idle, maxLoaded / maxIdle,
            stillLoaded ? "" : " (the long query ended while sampling)");
        load.join();
      }
    } finally {
      engine.close();
    }
  }

  /** Sorted latencies (ms) of {@code n} runs of the short query. */
  private static List<Double> latencies(Connection c, int n) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SHORT)) {
        rs.next();
      }
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Collections.sort(ms);
    return ms;
  }
}
