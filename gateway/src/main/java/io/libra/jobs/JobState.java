package io.libra.jobs;

import org.apache.spark.launcher.SparkAppHandle;

/**
 * Life cycle of a submitted job, as recorded in the job registry and shown in {@code libra.jobs}.
 *
 * <p>SUBMITTED (accepted, driver starting) → RUNNING (the driver's SparkContext is up) → one final
 * state: FINISHED (exit code 0), FAILED (the driver failed or exited non-zero), KILLED (cancelled
 * with {@code libra.cancel_job}) or LOST (the driver's fate is unknown: the gateway stopped or
 * restarted while it ran, or the launcher lost its connection).
 */
public enum JobState {
  SUBMITTED, RUNNING, FINISHED, FAILED, KILLED, LOST;

  public boolean isFinal() {
    return this == FINISHED || this == FAILED || this == KILLED || this == LOST;
  }

  /**
   * The job state for a {@link SparkAppHandle.State}: UNKNOWN, CONNECTED and SUBMITTED are
   * SUBMITTED; the others map by name.
   */
  public static JobState of(SparkAppHandle.State state) {
    return switch (state) {
      case UNKNOWN, CONNECTED, SUBMITTED -> SUBMITTED;
      case RUNNING -> RUNNING;
      case FINISHED -> FINISHED;
      case FAILED -> FAILED;
      case KILLED -> KILLED;
      case LOST -> LOST;
    };
  }
}
