package io.libra.engine;

import org.apache.spark.SparkContext;
import org.apache.spark.status.AppStatusStore;
import org.apache.spark.status.api.v1.JobData;

/**
 * How far a statement's Spark jobs are: over every job carrying its job tag
 * ({@code SparkStatusTracker.getJobIdsForTag}), the tasks completed or skipped (a stage whose
 * shuffle output was reused) divided by all their tasks, from Spark's status store (the data of
 * the Spark UI's Jobs tab; it follows the listener bus, so it may lag by milliseconds).
 */
public final class JobProgress {
  private JobProgress() {}

  /**
   * @return the fraction in [0, 1] of the tag's jobs' tasks that are done, or -1 when no job with
   *     the tag is known yet
   */
  public static double of(SparkContext sc, String jobTag) {
    AppStatusStore store = sc.statusStore();
    long tasks = 0;
    long done = 0;
    for (int jobId : sc.statusTracker().getJobIdsForTag(jobTag)) {
      JobData job;
      try {
        job = store.job(jobId);
      } catch (java.util.NoSuchElementException e) {
        continue; // dropped from the store (spark.ui.retainedJobs)
      }
      tasks += job.numTasks();
      done += Math.min(job.numTasks(), job.numCompletedTasks() + job.numSkippedTasks());
    }
    return tasks == 0 ? -1 : (double) done / tasks;
  }
}
