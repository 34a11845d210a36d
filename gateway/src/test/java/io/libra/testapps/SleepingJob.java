package io.libra.testapps;

import org.apache.spark.sql.SparkSession;

/** Test Spark application that runs until killed, or at most {@code args[0]} seconds (default 300). */
public final class SleepingJob {
  private SleepingJob() {}

  public static void main(String[] args) throws InterruptedException {
    SparkSession spark = SparkSession.builder().getOrCreate();
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 300;
    System.out.println("sleeping-libra up to " + seconds + " s");
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    spark.stop();
  }
}
