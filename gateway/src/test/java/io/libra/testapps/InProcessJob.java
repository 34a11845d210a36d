package io.libra.testapps;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Test application for kind jar-class run inside the gateway: counts 10 rows with the session it
 * is given and writes {@code pool=<scheduler pool> count=<n>} to the file {@code args[0]}. It must
 * not stop Spark (the context is the gateway's).
 */
public final class InProcessJob {
  private InProcessJob() {}

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().getOrCreate();
    long n = spark.range(10).count();
    Files.writeString(Path.of(args[0]), "pool="
        + spark.sparkContext().getLocalProperty("spark.scheduler.pool") + " count=" + n);
  }
}
