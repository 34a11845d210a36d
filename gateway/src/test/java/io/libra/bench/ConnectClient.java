package io.libra.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Spark Connect JVM client of scripts/bench ({@code bench-connect}'s ConnectClientBench), one
 * JVM and one Spark Connect session for the whole benchmark, so it stays as warm as Libra's
 * clients, which run in the benchmark's JVM. Commands go to its standard input; each answers
 * one {@code RESULT key=value …} line.
 */
final class ConnectClient implements AutoCloseable {
  private final Process process;
  private final PrintWriter commands;
  private final BufferedReader output;
  private final StringBuilder log = new StringBuilder();

  /**
   * @param classpath the client's classpath (bench-connect's jar and dependencies)
   * @param url the Spark Connect server, {@code sc://127.0.0.1:PORT}
   */
  ConnectClient(String classpath, String url) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
    // The client needs the same module openings as Spark itself (conf/jvm.properties).
    String opts = System.getProperty("libra.jvm.options", "").trim();
    if (!opts.isEmpty()) {
      cmd.addAll(List.of(opts.split("\\s+")));
    }
    cmd.addAll(List.of("-cp", classpath, "io.libra.bench.connect.ConnectClientBench", url));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(),
        StandardCharsets.UTF_8), true);
    output = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
  }

  /** {@code fetch}: rows and the median seconds of {@code runs} full reads after one warm-up. */
  Map<String, String> fetch(int runs, String sql) throws IOException {
    return command("fetch " + runs + " " + sql);
  }

  /** {@code latency}: milliseconds of each of {@code runs} {@code collect()} calls. */
  List<Double> latency(int runs, String sql) throws IOException {
    List<Double> ms = new ArrayList<>();
    for (String v : command("latency " + runs + " " + sql).get("ms").split(",")) {
      ms.add(Double.parseDouble(v));
    }
    return ms;
  }

  private Map<String, String> command(String line) throws IOException {
    if (line.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("one-line SQL only: " + line);
    }
    commands.println(line);
    String out;
    while ((out = output.readLine()) != null) {
      log.append(out).append('\n');
      if (out.startsWith("RESULT ")) {
        return parseResult(out);
      }
    }
    throw new IllegalStateException("Spark Connect client ended before answering '" + line
        + "':\n" + log);
  }

  /** The pairs of a {@code RESULT key=value …} line (the bench's child processes print them). */
  static Map<String, String> parseResult(String line) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String kv : line.substring("RESULT ".length()).split(" ")) {
      int eq = kv.indexOf('=');
      result.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return result;
  }

  @Override
  public void close() throws Exception {
    commands.println("quit");
    commands.close();
    while (output.readLine() != null) {
      // drain until the client exits
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
