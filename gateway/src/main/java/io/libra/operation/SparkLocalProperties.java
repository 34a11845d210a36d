package io.libra.operation;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkContext;

/**
 * Sets Spark local properties (scheduler pool, job description, ...) on the current thread — the
 * thread that submits the statement's Spark jobs — and restores the previous values on
 * {@link #close()}, so nothing leaks to the next statement run on a pooled thread.
 *
 * <p>Keys are Spark's: {@code spark.scheduler.pool} ({@code SparkContext.SPARK_SCHEDULER_POOL}),
 * {@code spark.job.description}.
 */
public final class SparkLocalProperties implements AutoCloseable {
  public static final String POOL = "spark.scheduler.pool";
  public static final String JOB_DESCRIPTION = "spark.job.description";
  public static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";
  /** The user a statement runs for (read by the {@code libra.jobs} table). */
  public static final String USER = io.libra.jobs.JobsCatalog.USER_PROPERTY;

  private final SparkContext sc;
  private final Map<String, String> previous = new HashMap<>();

  private SparkLocalProperties(SparkContext sc) {
    this.sc = sc;
  }

  /** Applies {@code props} to the current thread; close the result in {@code finally}. */
  public static SparkLocalProperties apply(SparkContext sc, Map<String, String> props) {
    SparkLocalProperties scope = new SparkLocalProperties(sc);
    props.forEach((k, v) -> {
      scope.previous.put(k, sc.getLocalProperty(k));
      sc.setLocalProperty(k, v);
    });
    return scope;
  }

  @Override
  public void close() {
    previous.forEach(sc::setLocalProperty);
  }
}
