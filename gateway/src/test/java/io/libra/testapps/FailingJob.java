package io.libra.testapps;

import org.apache.spark.sql.SparkSession;

/** Test Spark application that fails after its SparkContext started. */
public final class FailingJob {
  private FailingJob() {}

  public static void main(String[] args) {
    SparkSession.builder().getOrCreate();
    throw new IllegalStateException("deliberate failure of the test job");
  }
}
