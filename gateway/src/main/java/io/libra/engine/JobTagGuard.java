package io.libra.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Properties;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Makes a statement's cancel final: once a job tag is cancelled here, every Spark job carrying it
 * is cancelled — the ones running now ({@code SparkContext.cancelJobsWithTag}) and any that start
 * later (a {@link SparkListener} whose {@code onJobStart} cancels the job by id). That closes the
 * window between "the statement was cancelled" and "its next job was submitted" (a broadcast, a
 * subquery, the next result partition), whatever thread submits it.
 *
 * <p>A job that started after the cancel may run until the guard hears of it (milliseconds, on
 * its own listener queue); Libra's own result jobs check the cancel before they are submitted.
 *
 * <p>Order matters: the tag is recorded before the running jobs are cancelled, so a job submitted
 * concurrently is either active when Spark's scheduler handles the cancel or announced on the
 * listener bus after the tag was recorded. Tags are read from the job's local property
 * {@code spark.job.tags} ({@code SparkContext.SPARK_JOB_TAGS}, comma-separated). Cancelled tags are
 * remembered for an hour (at most 100,000).
 */
public final class JobTagGuard extends SparkListener implements AutoCloseable {
  static final String JOB_TAGS = "spark.job.tags";

  private final SparkContext sc;
  private final Cache<String, String> cancelled = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofHours(1)).maximumSize(100_000).build();

  private JobTagGuard(SparkContext sc) {
    this.sc = sc;
  }

  private static final java.util.Map<SparkContext, JobTagGuard> GUARDS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * The guard of {@code sc}: one per SparkContext, registered on its listener bus the first time
   * (in a queue of its own, so that slow listeners such as the UI's status store never delay it)
   * and kept for the context's life — a job a cancelled statement's adaptive execution submits
   * late (a shuffle map stage started from another thread) must still meet it, also after the
   * server that cancelled the statement has closed.
   */
  public static JobTagGuard install(SparkContext sc) {
    synchronized (GUARDS) {
      return GUARDS.computeIfAbsent(sc, c -> {
        JobTagGuard guard = new JobTagGuard(c);
        c.listenerBus().addToQueue(guard, QUEUE);
        return guard;
      });
    }
  }

  /** The listener bus queue the guards listen on. */
  static final String QUEUE = "libraJobTagGuard";

  private final java.util.concurrent.ScheduledExecutorService sweeps =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "libra-job-tag-guard");
        t.setDaemon(true);
        return t;
      });

  /**
   * Cancels every job with {@code tag}, now and whenever one starts later; once more by tag
   * after 1 and 5 seconds, for a job whose start the listener bus has not delivered yet.
   */
  public void cancel(String tag, String reason) {
    cancelled.put(tag, reason);
    sc.cancelJobsWithTag(tag, reason);
    for (long seconds : new long[] {1, 5}) {
      sweeps.schedule(() -> sc.cancelJobsWithTag(tag, reason), seconds,
          java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Whether {@code tag} was cancelled (and not forgotten yet). */
  public boolean isCancelled(String tag) {
    return cancelled.getIfPresent(tag) != null;
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    Properties props = event.properties();
    String tags = props == null ? null : props.getProperty(JOB_TAGS);
    if (tags == null || tags.isEmpty()) {
      return;
    }
    for (String tag : tags.split(",")) {
      String reason = cancelled.getIfPresent(tag);
      if (reason != null) {
        sc.cancelJob(event.jobId(), reason + " (job started after the cancel)");
        return;
      }
    }
  }

  /** Nothing to release: the guard stays with its SparkContext ({@link #install}). */
  @Override
  public void close() {}
}
