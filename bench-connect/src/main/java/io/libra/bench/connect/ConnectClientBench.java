package io.libra.bench.connect;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark Connect side of scripts/bench, in its own JVM (the Connect JVM client carries its own
 * spark-sql-api classes). Usage: {@code ConnectClientBench URL}; one Spark Connect session stays
 * open (and this JVM warm) for every command read from standard input, one per line:
 *
 * <ul>
 *   <li>{@code fetch RUNS SQL}: reads every row and column ({@code toLocalIterator},
 *       {@code Row.get}) after one warm-up run; prints
 *       {@code RESULT rows=N median_s=S};</li>
 *   <li>{@code latency RUNS SQL}: {@code collect()} of a small query RUNS times, no warm-up (the
 *       caller alternates blocks with Libra's); prints {@code RESULT ms=T1,T2,…} in
 *       milliseconds;</li>
 *   <li>{@code quit}.</li>
 * </ul>
 */
public final class ConnectClientBench {
  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().remote(args[0]).getOrCreate();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        String[] cmd = line.split(" ", 3);
        int runs = Integer.parseInt(cmd[1]);
        String sql = cmd[2];
        if (cmd[0].equals("fetch")) {
          long rows = fetch(spark, sql);
          List<Double> secs = new ArrayList<>();
          for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            fetch(spark, sql);
            secs.add((System.nanoTime() - t0) / 1e9);
          }
          Collections.sort(secs);
          System.out.printf(Locale.ROOT, "RESULT rows=%d median_s=%.6f%n", rows,
              secs.get(secs.size() / 2));
        } else {
          List<Double> ms = new ArrayList<>();
          for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            spark.sql(sql).collect();
            ms.add((System.nanoTime() - t0) / 1e6);
          }
          System.out.println("RESULT ms=" + ms.stream()
              .map(v -> String.format(Locale.ROOT, "%.3f", v)).collect(Collectors.joining(",")));
        }
        System.out.flush();
      }
    } finally {
      spark.close();
    }
  }

  private static long fetch(SparkSession spark, String sql) throws Exception {
    long rows = 0;
    Iterator<Row> it = spark.sql(sql).toLocalIterator();
    try {
      while (it.hasNext()) {
        Row r = it.next();
        for (int i = 0; i < r.size(); i++) {
          r.get(i);
        }
        rows++;
      }
    } finally {
      if (it instanceof AutoCloseable c) {
        c.close();
      }
    }
    return rows;
  }
}
