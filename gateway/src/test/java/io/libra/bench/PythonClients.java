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
 * ({@code toArrow()}), interleaved in one Python process. While each client reads, a sampler here
 * (every 10 ms, {@link MemoryMXBean#getHeapMemoryUsage()}) records the server JVM's peak heap
 * used — both servers share this JVM, so the peak during a client's fetch is the heap that
 * client's server path needed (garbage not yet collected included).
 */
final class PythonClients {
  /** One client's figures: rows read, median seconds, peak heap used in bytes while it read. */
  record Result(long rows, double medianSeconds, long peakHeapBytes) {}

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
              Double.parseDouble(r.get("median_s")), peaks.getOrDefault(client, -1L)));
        } else {
          log.append(line).append('\n');
        }
      }
    } finally {
      sampler.interrupt();
    }
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || results.isEmpty()) {
      throw new IllegalStateException("Python clients failed:\n" + log);
    }
    return results;
  }
}
