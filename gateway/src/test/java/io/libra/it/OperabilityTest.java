package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import io.libra.metrics.OpsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The operations port: Prometheus metrics counted exactly for a known workload (scraped with an
 * HTTP client), liveness, and readiness that is 503 before the Flight server accepts calls and
 * while it drains at stop, when new calls get UNAVAILABLE and a running statement finishes.
 */
class OperabilityTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** One Spark job whose task sleeps {@code ms} (java_method allowed on this server). */
  private static String sleeping(long ms) {
    return "SELECT count(*) FROM range(0, 1, 1, 1) WHERE java_method('java.lang.Thread',"
        + " 'sleep', " + ms + "L) IS NULL";
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The samples of /metrics: "name{labels}" to value. */
  private static Map<String, Double> scrape(int port) throws Exception {
    HttpResponse<String> r = get(port, "/metrics");
    assertEquals(200, r.statusCode());
    Map<String, Double> out = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }

  private static long rows(FlightSqlClient sql, FlightInfo info) throws Exception {
    long n = 0;
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      while (s.next()) {
        n += s.getRoot().getRowCount();
      }
    }
    return n;
  }

  @Test
  void metricsCountAKnownWorkloadAndReadinessFollowsTheLifecycle() throws Exception {
    Path dir = Files.createTempDirectory("libra-ops-");
    LibraConfig config = LibraConfig.load(dir, dir, Map.of(), Map.of(
        "libra.server.port", "0", "libra.work-dir", dir.toString(), "libra.metrics.port", "0",
        "libra.operations.max-concurrent", "1", "libra.operations.admission-wait-ms", "0",
        "libra.sql.denied-functions", "transform", "libra.server.drain-seconds", "20"));
    OpsServer ops = OpsServer.start(config);
    int port = ops.port();
    assertEquals(200, get(port, "/health/live").statusCode());
    assertEquals(503, get(port, "/health/ready").statusCode(), "not ready before the server");
    LibraServer server = LibraServer.start(config, TestGateway.get().spark, ops);
    try (RootAllocator a = new RootAllocator(); FlightClient raw = FlightClient.builder(a,
        Location.forGrpcInsecure("127.0.0.1", server.port())).build()) {
      FlightSqlClient sql = new FlightSqlClient(raw);
      assertEquals(200, get(port, "/health/ready").statusCode());
      Map<String, Double> before = scrape(port);
      for (int i = 0; i < 3; i++) {
        assertEquals(10, rows(sql, sql.execute("SELECT id FROM range(10)")));
      }
      FlightRuntimeException bad = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT nope FROM nowhere"));
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, bad.status().code());
      // One statement runs (max-concurrent 1): the next is refused at once.
      FlightInfo slow = sql.execute(sleeping(3000));
      CompletableFuture<Long> slowRows = CompletableFuture.supplyAsync(() -> {
        try {
          return rows(sql, slow);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (scrape(port).getOrDefault("libra_statements_admitted", 0.0) < 1
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      FlightRuntimeException rejected = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1"));
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, rejected.status().code());
      assertEquals(1, slowRows.get(30, TimeUnit.SECONDS));
      Thread.sleep(200); // the last call's completion is counted as it ends
      Map<String, Double> after = scrape(port);
      assertEquals(4, delta(before, after,
          "libra_flight_rpcs_total{code=\"OK\",method=\"GET_FLIGHT_INFO\"}"), after.toString());
      assertEquals(4, delta(before, after,
          "libra_flight_rpcs_total{code=\"OK\",method=\"DO_GET\"}"));
      assertEquals(1, delta(before, after,
          "libra_flight_rpcs_total{code=\"INVALID_ARGUMENT\",method=\"GET_FLIGHT_INFO\"}"));
      assertEquals(1, delta(before, after,
          "libra_flight_rpcs_total{code=\"RESOURCE_EXHAUSTED\",method=\"GET_FLIGHT_INFO\"}"));
      // Without authentication every client is anonymous and the per-user limit is the
      // gateway's: the rejection names the gateway's limit, the one that was set.
      assertEquals(1, delta(before, after, "libra_admission_rejections_total"
          + "{limit=\"libra.operations.max-concurrent\"}"));
      assertEquals(31, delta(before, after, "libra_result_rows_total"));
      assertTrue(delta(before, after, "libra_result_bytes_total") > 0);
      assertTrue(delta(before, after,
          "libra_statement_duration_seconds_count{kind=\"query\",state=\"FINISHED\"}") >= 4);
      assertTrue(delta(before, after,
          "libra_statement_duration_seconds_count{kind=\"query\",state=\"FAILED\"}") >= 1);
      assertTrue(after.containsKey("libra_sessions_open"), "sessions gauge");
      assertTrue(after.containsKey("jvm_memory_used_bytes{area=\"heap\"}"), "JVM metrics");
      // The Grafana dashboard uses only metrics the gateway exposes.
      String dashboard = Files.readString(TestGateway.home().resolve("conf/grafana-dashboard.json"));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((libra|jvm)_[a-z_]+)")
          .matcher(dashboard);
      java.util.Set<String> exposed = new java.util.HashSet<>();
      for (String line : get(port, "/metrics").body().split("\n")) {
        if (line.startsWith("# TYPE ")) {
          exposed.add(line.split(" ")[2]);
        }
      }
      while (m.find()) {
        String name = m.group(1).replaceAll("_(bucket|count|sum)$", "");
        assertTrue(exposed.contains(name), "the dashboard's " + name + " is not exposed");
      }

      // Drain: a statement runs while the server stops.
      FlightInfo draining = sql.execute(sleeping(3000));
      CompletableFuture<Long> drainRows = CompletableFuture.supplyAsync(() -> {
        try {
          return rows(sql, draining);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      while (scrape(port).getOrDefault("libra_statements_admitted", 0.0) < 1) {
        Thread.sleep(20);
      }
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
        try {
          server.close();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      long t0 = System.nanoTime();
      while (get(port, "/health/ready").statusCode() != 503
          && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2)) {
        Thread.sleep(10);
      }
      assertEquals(503, get(port, "/health/ready").statusCode(), "not ready while draining");
      FlightRuntimeException refused = assertThrows(FlightRuntimeException.class,
          () -> sql.execute("SELECT 1"));
      assertEquals(FlightStatusCode.UNAVAILABLE, refused.status().code(), refused.getMessage());
      assertEquals(1, drainRows.get(30, TimeUnit.SECONDS), "the running statement finished");
      stopping.get(60, TimeUnit.SECONDS);
    }
  }
}
