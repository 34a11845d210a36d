package io.libra.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Python clients of the large fetch ({@code python-tests/bench_python_clients.py}): Libra
 * through ADBC and raw pyarrow.flight, Spark Connect through pyspark's Connect client
 * ({@code toArrow()}), interleaved in one Python process. While each client reads, this JVM
 * records two peaks of the server heap — both servers share this JVM, so they are what that
 * client's server path needed: the heap used, sampled every 10 ms
 * ({@link MemoryMXBean#getHeapMemoryUsage()}, garbage not yet collected included, so it mostly
 * shows how fast a path allocates), and the heap still used after each garbage collection
 * ({@code GarbageCollectionNotificationInfo}'s usage after GC, all heap pools): the live data the
 * path holds.
 */
final class PythonClients {
  /**
   * One client's figures: rows read, median seconds, peak heap used and peak heap used after a
   * GC while it read, in bytes (-1: no GC ran).
   */
  record Result(long rows, double medianSeconds, long peakHeapBytes, long peakAfterGcBytes) {}

  private PythonClients() {}

  /**
   * Runs the script with the Python of system property {@code libra.python}; null without one.
   *
   * @return by client name ({@code adbc}, {@code pyarrow}, {@code pyspark})
   * @throws IllegalStateException when the script fails or prints no results
   */
  static Map<String, Result> fetch(int flightPort, String connectUrl, String sql, int runs)
      throws Exception {
    String python = System.getProperty("libra.python", "");
    if (python.isEmpty() || !Files.isExecutable(Path.of(python))) {
      return null;
    }
    Path script = Path.of(System.getProperty("libra.home", "."))
        .resolve("python-tests/bench_python_clients.py");
    Process p = new ProcessBuilder(python, script.toString(), "grpc://127.0.0.1:" + flightPort,
        connectUrl, Integer.toString(runs), sql).redirectErrorStream(true).start();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicReference<String> current = new AtomicReference<>();
    Map<String, Long> peaks = new java.util.concurrent.ConcurrentHashMap<>();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        String client = current.get();
        if (client != null) {
          peaks.merge(client, memory.getHeapMemoryUsage().getUsed(), Math::max);
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    Map<String, Long> afterGc = new java.util.concurrent.ConcurrentHashMap<>();
    javax.management.NotificationListener onGc = (n, handback) -> {
      String client = current.get();
      if (client == null || !n.getType().equals(com.sun.management.GarbageCollectionNotificationInfo
          .GARBAGE_COLLECTION_NOTIFICATION)) {
        return;
      }
      long used = 0;
      for (java.lang.management.MemoryUsage u : com.sun.management.GarbageCollectionNotificationInfo
          .from((javax.management.openmbean.CompositeData) n.getUserData()).getGcInfo()
          .getMemoryUsageAfterGc().values()) {
        used += u.getUsed();
      }
      afterGc.merge(client, used, Math::max);
    };
    java.util.List<javax.management.NotificationEmitter> emitters = new java.util.ArrayList<>();
    for (java.lang.management.GarbageCollectorMXBean gc
        : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof javax.management.NotificationEmitter e) {
        e.addNotificationListener(onGc, null, null);
        emitters.add(e);
      }
    }
    StringBuilder log = new StringBuilder();
    Map<String, Result> results = new LinkedHashMap<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("BEGIN ")) {
          current.set(line.substring(6));
        } else if (line.startsWith("END ")) {
          current.set(null);
        } else if (line.startsWith("RESULT ")) {
          Map<String, String> r = ConnectClient.parseResult(line);
          String client = r.get("client");
          results.put(client, new Result(Long.parseLong(r.get("rows")),
              Double.parseDouble(r.get("median_s")), peaks.getOrDefault(client, -1L),
              afterGc.getOrDefault(client, -1L)));
        } else {
          log.append(line).append('\n');
        }
      }
    } finally {
      sampler.interrupt();
      for (javax.management.NotificationEmitter e : emitters) {
        try {
          e.removeNotificationListener(onGc);
        } catch (javax.management.ListenerNotFoundException ignored) {
          // not registered
        }
      }
    }
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || results.isEmpty()) {
      throw new IllegalStateException("Python clients failed:\n" + log);
    }
    return results;
  }
}
