package io.libra.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and one Worker, each in its own JVM, run from
 * the given Spark jars laid out as a SPARK_HOME ({@code jars/} of symbolic links, an empty
 * {@code conf/}) in a temporary directory. All ports are chosen by the JVMs (port 0) and read from
 * the Master's log; the Worker's executors get their classpath from {@code SPARK_HOME/jars}.
 *
 * <p>{@link #close()} stops Worker (which kills its executors) and Master and fails if any of their
 * JVMs, executors included, is still alive afterwards.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern MASTER_UI =
      Pattern.compile("Successfully started service 'MasterUI' on port (\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  final Path sparkHome;
  final String masterUrl;
  final int masterUiPort;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

  private StandaloneCluster(Path sparkHome, Process master, String masterUrl, int masterUiPort) {
    this.sparkHome = sparkHome;
    this.masterUrl = masterUrl;
    this.masterUiPort = masterUiPort;
    processes.add(master);
  }

  /**
   * Starts Master and Worker and returns once the Master lists the Worker as ALIVE.
   *
   * @param sparkJars Spark's runtime jars (what {@code gateway/target/lib} holds)
   * @param workerCores cores the Worker offers; {@code workerMemory} e.g. {@code "2g"}
   * @throws IllegalStateException with the end of the logs if either is not ready in 90 s
   */
  static StandaloneCluster start(List<Path> sparkJars, int workerCores, String workerMemory)
      throws Exception {
    return start(sparkJars, 1, workerCores, workerMemory);
  }

  /** As {@link #start(List, int, String)} with {@code workers} Workers, each its own JVM. */
  static StandaloneCluster start(List<Path> sparkJars, int workers, int workerCores,
      String workerMemory) throws Exception {
    Path home = Files.createTempDirectory("libra-spark-home-");
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("logs"));
    Files.createDirectories(home.resolve("work"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (Path jar : sparkJars) {
      Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
    }
    Process master = launch(home, "master", "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
    StandaloneCluster cluster = null;
    try {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      Path masterLog = home.resolve("logs/master.log");
      String url = awaitLogMatch(masterLog, MASTER_URL, master, deadline);
      int ui = Integer.parseInt(awaitLogMatch(masterLog, MASTER_UI, master, deadline));
      cluster = new StandaloneCluster(home, master, url, ui);
      Process worker = null;
      for (int w = 0; w < workers; w++) {
        Path workDir = Files.createDirectories(home.resolve(w == 0 ? "work" : "work-" + w));
        worker = launch(home, w == 0 ? "worker" : "worker-" + w,
            "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
            "--cores", Integer.toString(workerCores), "--memory", workerMemory,
            "--work-dir", workDir.toString(), url);
        cluster.processes.add(worker);
      }
      cluster.awaitMasterJson(j -> aliveWorkers(j) >= workers, worker, deadline,
          workers + " ALIVE workers");
      return cluster;
    } catch (Exception | Error e) {
      if (cluster != null) {
        cluster.close();
      } else {
        master.destroyForcibly().waitFor();
      }
      throw e;
    }
  }

  /** Every process below this cluster's Master and Workers (its executors among them). */
  List<ProcessHandle> descendants() {
    return processes.stream().flatMap(p -> p.toHandle().descendants()).toList();
  }

  private static Process launch(Path home, String name, String mainClass, String... args)
      throws IOException {
    Properties jvm = new Properties();
    try (var in = Files.newBufferedReader(TestGateway.home().resolve("conf/jvm.properties"))) {
      jvm.load(in);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(List.of(jvm.getProperty("libra.jvm.options").trim().split("\\s+")));
    cmd.addAll(List.of("-cp", home.resolve("conf") + ":" + home.resolve("jars") + "/*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(home.resolve("logs/" + name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
    // Without it the Worker's launcher looks for a source build and every executor fails.
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Polls {@code log} (every 100 ms, until {@code deadline}) for {@code p}; returns group 1. */
  private static String awaitLogMatch(Path log, Pattern p, Process owner, long deadline)
      throws Exception {
    while (true) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      Matcher m = p.matcher(text);
      if (m.find()) {
        return m.group(1);
      }
      if (!owner.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("no '" + p + "' in " + log + " (process "
            + (owner.isAlive() ? "alive" : "exited " + owner.exitValue()) + "):\n" + tail(text));
      }
      Thread.sleep(100);
    }
  }

  private static int aliveWorkers(JsonNode master) {
    int n = 0;
    for (JsonNode w : master.path("workers")) {
      n += "ALIVE".equals(w.path("state").asText()) ? 1 : 0;
    }
    return n;
  }

  /** The Master's status: {@code GET http://127.0.0.1:<ui>/json/} (workers, activeapps, …). */
  JsonNode masterJson() throws Exception {
    return getJson("http://127.0.0.1:" + masterUiPort + "/json/");
  }

  /** A JSON document from one of the cluster's (or the driver's) web UIs. */
  JsonNode getJson(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + ": HTTP " + r.statusCode());
    }
    return new ObjectMapper().readTree(r.body());
  }

  private void awaitMasterJson(Predicate<JsonNode> ready, Process watched, long deadline,
      String what) throws Exception {
    while (true) {
      try {
        if (ready.test(masterJson())) {
          return;
        }
      } catch (IOException e) {
        // the UI is not answering yet
      }
      if (!watched.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("Master shows no " + what + "; worker log:\n"
            + tail(Files.readString(sparkHome.resolve("logs/worker.log"))));
      }
      Thread.sleep(200);
    }
  }

  /** The last 40 lines of one of the cluster's logs ({@code master} or {@code worker}). */
  String logTail(String name) throws IOException {
    return tail(Files.readString(sparkHome.resolve("logs/" + name + ".log")));
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }

  /**
   * Stops the Worker, then the Master (SIGTERM, 30 s each, then SIGKILL) and checks that no JVM
   * they started (executors) survives.
   *
   * @throws IllegalStateException naming the pids of processes still alive afterwards
   */
  @Override
  public void close() throws Exception {
    List<ProcessHandle> all = new ArrayList<>();
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.descendants().forEach(all::add);
      all.add(p.toHandle());
      p.destroy();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    List<Long> alive = all.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
        .toList();
    all.forEach(ProcessHandle::destroyForcibly);
    if (!alive.isEmpty()) {
      throw new IllegalStateException("cluster JVMs still alive after stop: " + alive);
    }
  }
}
