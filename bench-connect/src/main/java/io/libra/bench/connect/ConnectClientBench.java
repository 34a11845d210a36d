package io.libra.bench.connect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark Connect side of scripts/bench, in its own JVM (the Connect JVM client carries its own
 * spark-sql-api classes). Modes, each printing one {@code RESULT key=value …} line:
 *
 * <ul>
 *   <li>{@code fetch URL RUNS SQL}: reads every row and column ({@code toLocalIterator},
 *       {@code Row.get}) after one warm-up run; median seconds and rows;</li>
 *   <li>{@code latency URL RUNS SQL}: {@code collect()} of a small query RUNS times after 10
 *       warm-up runs; p50 and p99 milliseconds.</li>
 * </ul>
 */
public final class ConnectClientBench {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String url = args[1];
    int runs = Integer.parseInt(args[2]);
    String sql = args[3];
    SparkSession spark = SparkSession.builder().remote(url).getOrCreate();
    try {
      if (mode.equals("fetch")) {
        long rows = fetch(spark, sql);
        List<Double> secs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          fetch(spark, sql);
          secs.add((System.nanoTime() - t0) / 1e9);
        }
        Collections.sort(secs);
        System.out.printf("RESULT rows=%d median_s=%.6f%n", rows, secs.get(secs.size() / 2));
      } else {
        for (int i = 0; i < 10; i++) {
          spark.sql(sql).collect();
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          spark.sql(sql).collect();
          ms.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(ms);
        System.out.printf("RESULT p50_ms=%.3f p99_ms=%.3f%n", ms.get(ms.size() / 2),
            ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.99) - 1)));
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
