package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * scripts/bench --profile: where the time of one large fetch through ADBC goes. The gateway runs
 * in this JVM ({@code local[*]}); {@code python-tests/profile_fetch.py} warms up with one fetch,
 * then fetches once more while this JVM records:
 * <ul>
 *   <li>CPU seconds of the server process ({@code OperatingSystemMXBean.getProcessCpuTime}) and of
 *       each of its threads ({@code ThreadMXBean.getThreadCpuTime}), grouped by what the thread
 *       is (Spark executor task threads, the statement's streaming thread, gRPC/Netty, other); the
 *       rest of the process CPU is the JVM's own threads (GC, JIT);
 *   <li>a JFR recording (settings {@code profile}, running from the start), of the measured fetch
 *       only: its {@code jdk.ExecutionSample}s split each
 *       thread group's seconds by the work on top of the stack (Spark's generated code, Arrow
 *       conversion, result blocks, gRPC/Netty, …), and its {@code jdk.GarbageCollection} pauses;
 *   <li>the client's CPU seconds as the Python process counts them (all its threads).
 * </ul>
 * Prints a table in seconds.
 *
 * <p>Usage: {@code FetchProfile [rows [libra.key=value ...]]} (default 10,000,000 rows; the
 * settings override the gateway's, e.g. {@code libra.results.max-endpoints=1}), with system
 * property {@code libra.python}.
 */
public final class FetchProfile {
  private FetchProfile() {}

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    String sql = "SELECT id, id * 1.5 AS d, CAST(id AS STRING) AS s FROM range(" + n + ")";
    Path work = Files.createTempDirectory("libra-profile-");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[*]");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.catalogImplementation", "in-memory");
    SparkEngine engine = SparkEngine.start(conf, work, true);
    Map<String, String> settings = new LinkedHashMap<>(
        Map.of("libra.server.port", "0", "libra.work-dir", work.toString()));
    for (int i = 1; i < args.length; i++) { // libra.key=value overrides
      String[] kv = args[i].split("=", 2);
      settings.put(kv[0], kv[1]);
    }
    LibraConfig config = LibraConfig.load(work, work.resolve("none"), Map.of(), settings);
    String python = System.getProperty("libra.python", "");
    Path script = Path.of(System.getProperty("libra.home", "."))
        .resolve("python-tests/profile_fetch.py");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    // Recording from the start: starting JFR later changes JVMTI state, which throws away
    // compiled code and makes the measured fetch pay seconds of JIT compilation again.
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
    recording.start();
    try (LibraServer server = LibraServer.start(config, engine.rootSession())) {
      Process p = new ProcessBuilder(python, script.toString(),
          "grpc://127.0.0.1:" + server.port(), sql).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        System.err.println(line);
      }
      if (line == null) {
        throw new IllegalStateException("the client ended before its warm-up fetch finished");
      }
      Map<Long, String> names = new HashMap<>();
      Map<Long, Long> before = threadCpu(threads, names);
      Map<String, Double> jvmBefore = jvmThreadCpu();
      long processBefore = os.getProcessCpuTime();
      java.time.Instant from = java.time.Instant.now();
      long t0 = System.nanoTime();
      in.println("go");
      Map<String, String> result = null;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          result = ConnectClient.parseResult(line);
          break;
        }
        System.err.println(line);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      java.time.Instant to = java.time.Instant.now();
      recording.stop();
      long processCpu = os.getProcessCpuTime() - processBefore;
      Map<Long, Long> after = threadCpu(threads, names);
      Map<String, Double> jvm = jvmThreadCpu();
      jvmBefore.forEach((k, v) -> jvm.merge(k, -v, Double::sum));
      p.waitFor();
      if (result == null) {
        throw new IllegalStateException("the client printed no RESULT");
      }
      Path jfr = work.resolve("fetch.jfr");
      recording.dump(jfr);
      recording.close();
      report(sql, result, wall, processCpu / 1e9, groupCpu(before, after, names), jvm, jfr,
          from, to);
    } finally {
      engine.close();
    }
  }

  /** CPU nanoseconds of every live thread of this JVM, by id; their names into {@code names}. */
  private static Map<Long, Long> threadCpu(ThreadMXBean threads, Map<Long, String> names) {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long t = threads.getThreadCpuTime(info.getThreadId());
      if (t >= 0) {
        cpu.put(info.getThreadId(), t);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    return cpu;
  }

  /**
   * CPU seconds so far of the JVM's own (non-Java) threads — GC, JIT compilers, JFR, the VM
   * thread — by kind, from {@code /proc/self/task/<tid>/comm} and {@code stat} (utime + stime,
   * at 100 ticks per second); empty where there is no /proc.
   */
  static Map<String, Double> jvmThreadCpu() {
    Map<String, Double> seconds = new TreeMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return seconds;
    }
    for (java.io.File task : tasks) {
      try {
        String comm = Files.readString(task.toPath().resolve("comm")).strip();
        String stat = Files.readString(task.toPath().resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        String kind = comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "GC threads"
            : comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "JIT compilers"
            : comm.startsWith("JFR") ? "JFR (this profile's own cost)"
            : comm.startsWith("VM ") ? "VM thread" : null;
        if (kind != null) {
          seconds.merge(kind, cpu, Double::sum);
        }
      } catch (java.io.IOException | RuntimeException gone) {
        // the thread ended
      }
    }
    return seconds;
  }

  /** What a thread is, from its name. */
  static String threadGroup(String name) {
    if (name.startsWith("Executor task launch worker")) {
      return "Spark executor tasks";
    }
    if (name.startsWith("libra-op-")) {
      return "statement streaming thread (driver)";
    }
    if (name.startsWith("grpc-") || name.contains("ELG") || name.contains("nioEventLoop")
        || name.startsWith("flight-")) {
      return "gRPC / Netty";
    }
    return "other JVM threads";
  }

  private static Map<String, Double> groupCpu(Map<Long, Long> before, Map<Long, Long> after,
      Map<Long, String> names) {
    Map<String, Double> seconds = new TreeMap<>();
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (delta > 0) {
        seconds.merge(threadGroup(names.get(e.getKey())), delta / 1e9, Double::sum);
      }
    }
    return seconds;
  }

  /** The work on top of a sampled stack. */
  static String work(RecordedStackTrace stack) {
    if (stack == null) {
      return "unknown";
    }
    for (RecordedFrame f : stack.getFrames()) {
      if (!f.isJavaFrame()) {
        continue;
      }
      String c = f.getMethod().getType().getName();
      if (c.startsWith("io.libra.results.DirectArrowWriter") || c.startsWith(
          "org.apache.arrow.vector") && !c.contains("ipc")) {
        return "Arrow conversion (Libra's writer, Arrow vectors)";
      }
      if (c.contains("GeneratedClass") || c.startsWith("org.apache.spark.sql.catalyst.expressions")
          || c.startsWith("org.apache.spark.unsafe") || c.startsWith("org.apache.spark.sql.types")) {
        return "Spark's generated code and values (range, id * 1.5, CAST AS STRING)";
      }
      if (c.startsWith("org.apache.spark.storage") || c.startsWith("org.apache.spark.io")
          || c.startsWith("org.apache.spark.serializer")) {
        return "result blocks (BlockManager store and fetch)";
      }
      if (c.startsWith("io.grpc") || c.startsWith("io.netty") || c.startsWith(
          "org.apache.arrow.flight")) {
        return "gRPC / Netty / Flight framing";
      }
      if (c.startsWith("org.apache.arrow.vector.ipc") || c.startsWith("org.apache.arrow.memory")) {
        return "Arrow IPC and buffers (driver side)";
      }
      if (c.startsWith("io.libra")) {
        return "Libra (" + c.substring(c.lastIndexOf('.') + 1) + ")";
      }
    }
    RecordedFrame top = stack.getFrames().isEmpty() ? null : stack.getFrames().get(0);
    if (top == null) {
      return "unknown";
    }
    String c = top.getMethod().getType().getName();
    int dot = c.lastIndexOf('.');
    return "JDK / other (" + (dot > 0 ? c.substring(0, dot) : c) + ")";
  }

  private static void report(String sql, Map<String, String> client, double wall,
      double processCpu, Map<String, Double> groups, Map<String, Double> jvm, Path jfr,
      java.time.Instant from, java.time.Instant to) throws Exception {
    Map<String, Map<String, Integer>> samples = new TreeMap<>();
    Map<String, Integer> groupSamples = new HashMap<>();
    double gcPauses = 0;
    Map<String, double[]> compiled = new HashMap<>(); // by code: {seconds, methods}
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
        continue; // the warm-up fetches
      }
      String type = e.getEventType().getName();
      if (type.equals("jdk.ExecutionSample")) {
        String thread = e.getThread("sampledThread") == null ? "?"
            : e.getThread("sampledThread").getJavaName();
        String group = threadGroup(thread == null ? "?" : thread);
        samples.computeIfAbsent(group, g -> new HashMap<>())
            .merge(work(e.getStackTrace()), 1, Integer::sum);
        groupSamples.merge(group, 1, Integer::sum);
      } else if (type.equals("jdk.GarbageCollection")) {
        gcPauses += e.getDuration("sumOfPauses").toNanos() / 1e9;
      } else if (type.equals("jdk.Compilation")) {
        jdk.jfr.consumer.RecordedMethod m = e.getValue("method");
        String owner = m == null || m.getType() == null ? "?" : m.getType().getName();
        double[] c = compiled.computeIfAbsent(codeOf(owner), k -> new double[2]);
        c[0] += e.getDuration().toNanos() / 1e9;
        c[1]++;
      }
    }
    double threadsTotal = groups.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.println(sql);
    System.out.printf(Locale.ROOT, "wall %.2f s, %s rows; client (Python, ADBC) CPU %s s;"
        + " server process CPU %.2f s%n", wall, client.get("rows"), client.get("cpu_s"),
        processCpu);
    System.out.printf(Locale.ROOT, "%-70s %8s%n", "server CPU by thread, then by work on top of"
        + " the stack (JFR samples)", "seconds");
    for (Map.Entry<String, Double> g : groups.entrySet()) {
      System.out.printf(Locale.ROOT, "%-70s %8.2f%n", g.getKey(), g.getValue());
      Map<String, Integer> byWork = samples.getOrDefault(g.getKey(), Map.of());
      int total = groupSamples.getOrDefault(g.getKey(), 0);
      byWork.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .limit(6).forEach(w -> System.out.printf(Locale.ROOT, "  %-68s %8.2f%n", w.getKey(),
              g.getValue() * w.getValue() / total));
    }
    double jvmTotal = jvm.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf(Locale.ROOT, "%-70s %8.2f%n", "JVM's own threads (/proc/self/task)",
        jvmTotal);
    jvm.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-68s %8.2f%n", k, v));
    System.out.printf(Locale.ROOT, "%-70s %8.2f%n", "rest of the process CPU (threads that ended,"
        + " native threads)", Math.max(0, processCpu - threadsTotal - jvmTotal));
    System.out.printf(Locale.ROOT, "%-70s %8.2f%n", "GC pauses (wall, jdk.GarbageCollection)",
        gcPauses);
    System.out.printf(Locale.ROOT, "%-70s %8s%n", "JIT compilations during the fetch"
        + " (jdk.Compilation: seconds, methods)", "seconds");
    compiled.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(8)
        .forEach(c -> System.out.printf(Locale.ROOT, "  %-60s %7.0f %8.2f%n", c.getKey(),
            c.getValue()[1], c.getValue()[0]));
  }

  /** Whose code a compiled method is, by the package of its class. */
  static String codeOf(String owner) {
    if (owner.contains("GeneratedClass") || owner.contains("GeneratedIterator")) {
      return "Spark's generated code (this query's classes)";
    }
    String[] prefixes = {"io.libra.", "org.apache.arrow.", "org.apache.spark.sql.",
        "org.apache.spark.", "io.grpc.", "io.netty.", "scala.", "java.", "jdk.", "sun."};
    for (String p : prefixes) {
      if (owner.startsWith(p)) {
        return p + "*";
      }
    }
    return owner.contains(".") ? owner.substring(0, owner.lastIndexOf('.')) : owner;
  }
}
