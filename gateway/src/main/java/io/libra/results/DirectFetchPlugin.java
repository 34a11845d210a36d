package io.libra.results;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Executor-direct fetch as a Spark plugin ({@code spark.plugins}, added by the gateway when
 * {@code libra.results.direct-fetch} is not {@code off} and the master is not {@code local}):
 * each executor starts a Flight server serving the result blocks its tasks stored
 * ({@link ExecutorResultServer}) and reports its address to the driver side
 * ({@link ExecutorEndpoints}), which also hands the executors the secret their tickets are signed
 * with ({@link DirectTicket}).
 */
public final class DirectFetchPlugin implements SparkPlugin {
  /** The plugin's class name, for {@code spark.plugins}. */
  public static final String CLASS = DirectFetchPlugin.class.getName();

  @Override
  public DriverPlugin driverPlugin() {
    return new ExecutorEndpoints();
  }

  /**
   * The executor side, or null (none: the executor runs on, the gateway serves its results)
   * when Arrow Flight's classes are missing on the executor.
   */
  @Override
  public ExecutorPlugin executorPlugin() {
    try {
      return new ExecutorResultServer();
    } catch (LinkageError e) {
      org.slf4j.LoggerFactory.getLogger(DirectFetchPlugin.class).error(
          "executor-direct fetch unavailable on this executor: {}", e.toString());
      return null;
    }
  }
}
