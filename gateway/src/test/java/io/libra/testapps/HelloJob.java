package io.libra.testapps;

import java.util.Arrays;
import org.apache.spark.sql.SparkSession;

/** Test Spark application: counts 10 rows and prints them with its arguments, then exits 0. */
public final class HelloJob {
  private HelloJob() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().getOrCreate();
    long n = spark.range(10).count();
    System.out.println("hello-libra args=" + Arrays.toString(args) + " count=" + n);
    spark.stop();
  }
}
