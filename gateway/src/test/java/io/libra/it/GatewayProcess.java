package io.libra.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in its own JVM, started through the real command line ({@code LibraMain run}) with the
 * repository's conf/ (Hive catalog, embedded Derby) and a given work directory.
 */
final class GatewayProcess implements AutoCloseable {
  private final Process process;
  final int port;
  final long readyMillis;
  /** Everything the gateway printed up to and including its ready line. */
  final String startLog;

  private GatewayProcess(Process process, int port, long readyMillis, String startLog) {
    this.process = process;
    this.port = port;
    this.readyMillis = readyMillis;
    this.startLog = startLog;
  }

  /** Whether this JVM runs as uid 0. */
  static boolean isRoot() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    } catch (Throwable e) {
      return false;
    }
  }

  static GatewayProcess start(Path workDir, String... extraConf) throws Exception {
    Path home = TestGateway.home();
    Properties jvm = new Properties();
    try (var in = Files.newBufferedReader(home.resolve("conf/jvm.properties"))) {
      jvm.load(in);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.addAll(List.of(jvm.getProperty("libra.jvm.options").trim().split("\\s+")));
    cmd.add("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.properties"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.libra.cli.LibraMain",
        "run", "--home", home.toString(), "--conf-dir", home.resolve("conf").toString(),
        "--conf", "libra.work-dir=" + workDir, "--conf", "libra.server.port=0",
        "--conf", "libra.sample-data.tpch-scale=0", "--conf", "spark.master=local[2]",
        "--conf", "spark.ui.enabled=false"));
    if (isRoot()) {
      // These tests run the JVM on Maven's classpath (~/.m2), which a service user may not
      // read: as root they allow root on purpose (a later --conf of the caller wins).
      cmd.addAll(List.of("--conf", "libra.server.allow-root=true"));
    }
    for (String c : extraConf) {
      cmd.add("--conf");
      cmd.add(c);
    }
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder log = new StringBuilder();
    CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          synchronized (log) {
            log.append(line).append('\n');
          }
          if (line.startsWith("LIBRA READY port=")) {
            int port = Integer.parseInt(line.substring("LIBRA READY port=".length()).trim());
            Thread drain = new Thread(() -> {
              try {
                String rest;
                while ((rest = out.readLine()) != null) { // keep the pipe from filling up
                  synchronized (log) {
                    if (log.length() < (8 << 20)) {
                      log.append(rest).append('\n');
                    }
                  }
                }
              } catch (Exception ignored) {
                // process ended
              }
            });
            drain.setDaemon(true);
            drain.start();
            return port;
          }
        }
        throw new IllegalStateException("gateway exited before it was ready:\n" + log);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    int port;
    try {
      port = ready.get(180, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      p.destroyForcibly();
      throw (e.getCause() instanceof RuntimeException r) ? r : new IllegalStateException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      p.destroyForcibly().waitFor();
      String text;
      synchronized (log) {
        text = log.toString();
      }
      throw new IllegalStateException("the gateway was not ready in 180 s; its output ends:\n"
          + text.substring(Math.max(0, text.length() - 6000)), e);
    }
    synchronized (log) {
      GatewayProcess g = new GatewayProcess(p, port, (System.nanoTime() - t0) / 1_000_000,
          log.toString());
      g.output = log;
      return g;
    }
  }

  private StringBuilder output;

  /** Everything the gateway printed so far (its log, up to 8 MiB). */
  String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  String jdbcUrl() {
    return "jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false";
  }

  /** Kills the gateway JVM (SIGKILL: no shutdown hook runs), as a crash would. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Sends SIGTERM (as {@code scripts/libra stop}) and returns at once. */
  void terminate() {
    process.destroy();
  }

  /** Stops like {@code scripts/libra stop}: SIGTERM, then wait for the shutdown hook. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
