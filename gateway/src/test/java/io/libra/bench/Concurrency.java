package io.libra.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrency scenario: {@code connections} JDBC connections, each on its own thread, run short
 * queries back to back for {@code seconds}: {@code SELECT 1} and a point lookup in
 * {@code tpch.nation}. Reports queries/s, errors and latency percentiles (ms).
 */
final class Concurrency {
  private Concurrency() {}

  static Map<String, Object> run(JdbcDrivers.Connector jdbc, int connections, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    AtomicLong errors = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<String> firstError =
        new java.util.concurrent.atomic.AtomicReference<>();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<List<Double>>> futures = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      int id = c;
      futures.add(pool.submit(() -> {
        List<Double> ms = new ArrayList<>();
        try (Connection conn = jdbc.connect()) {
          for (int i = 0; System.nanoTime() < deadline; i++) {
            String sql = i % 2 == 0 ? "SELECT 1"
                : "SELECT n_name FROM tpch.nation WHERE n_nationkey = " + ((id + i) % 25);
            long q0 = System.nanoTime();
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
              if (!rs.next()) {
                throw new IllegalStateException("no row for " + sql);
              }
              ms.add((System.nanoTime() - q0) / 1e6);
            } catch (Exception e) {
              if (errors.incrementAndGet() == 1) {
                firstError.set(e.toString());
              }
            }
          }
        }
        return ms;
      }));
    }
    List<Double> all = new ArrayList<>();
    for (Future<List<Double>> f : futures) {
      all.addAll(f.get());
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    Collections.sort(all);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", connections);
    m.put("seconds", seconds);
    m.put("queries", all.size());
    m.put("queries_per_s", Math.round(all.size() / elapsed * 10) / 10.0);
    m.put("errors", errors.get());
    if (firstError.get() != null) {
      m.put("first_error", firstError.get());
    }
    m.put("p50_ms", all.isEmpty() ? 0.0 : Math.round(all.get(all.size() / 2) * 10) / 10.0);
    m.put("p99_ms", all.isEmpty() ? 0.0
        : Math.round(all.get(Math.min(all.size() - 1, (int) Math.ceil(all.size() * 0.99) - 1))
            * 10) / 10.0);
    return m;
  }
}
