package io.libra.it;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/** A SparkListener that records every job's pool, tags and description, and which are running. */
final class JobRecorder extends SparkListener implements AutoCloseable {
  record Job(int id, String pool, String tags, String description) {}

  /** A statement of one Spark job whose four tasks sleep two minutes (java_method allowed). */
  static final String SLEEPING_JOB = "SELECT count(*) FROM range(0, 4, 1, 4)"
      + " WHERE java_method('java.lang.Thread', 'sleep', 120000L) IS NULL";

  private final SparkContext sc;
  final List<Job> started = new CopyOnWriteArrayList<>();
  final Set<Integer> running = ConcurrentHashMap.newKeySet();
  final Map<Integer, Job> byId = new ConcurrentHashMap<>();
  /** When each job was submitted (ms since the epoch, Spark's clock). */
  final Map<Integer, Long> startMillis = new ConcurrentHashMap<>();
  /** Jobs that ended with JobSucceeded. */
  final Set<Integer> succeeded = ConcurrentHashMap.newKeySet();

  JobRecorder(SparkContext sc) {
    this.sc = sc;
    sc.addSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    Properties p = start.properties();
    Job job = new Job(start.jobId(), p == null ? null : p.getProperty("spark.scheduler.pool"),
        p == null ? "" : p.getProperty("spark.job.tags", ""),
        p == null ? "" : p.getProperty("spark.job.description", ""));
    started.add(job);
    byId.put(job.id(), job);
    startMillis.put(job.id(), start.time());
    running.add(job.id());
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    if (end.jobResult() == org.apache.spark.scheduler.JobSucceeded$.MODULE$) {
      succeeded.add(end.jobId());
    }
    running.remove(end.jobId());
  }

  /** Running jobs whose tags contain {@code fragment}. */
  List<Job> runningWithTag(String fragment) {
    return running.stream().map(byId::get).filter(j -> j != null && j.tags().contains(fragment))
        .toList();
  }

  /**
   * Waits up to {@code seconds} until exactly {@code expected} jobs with a Libra tag run, asserts
   * it, and returns when that was ({@code System.nanoTime()}).
   */
  long awaitLibraJobs(int expected, int seconds) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    long reached = 0;
    while (System.nanoTime() < deadline) {
      if (runningWithTag("libra-").size() == expected) {
        reached = System.nanoTime();
        // Jobs submitted late (adaptive execution's stages) are announced asynchronously:
        // count again once the listener bus has delivered everything posted so far.
        drain();
        if (runningWithTag("libra-").size() == expected) {
          break;
        }
      }
      Thread.sleep(10);
    }
    org.junit.jupiter.api.Assertions.assertEquals(expected, runningWithTag("libra-").size(),
        "running Libra jobs: " + runningWithTag("libra-"));
    return reached;
  }

  /** Waits (bounded) until Spark's listener bus has delivered everything posted so far. */
  void drain() throws Exception {
    // LiveListenerBus.waitUntilEmpty is package-private in Scala terms but public in bytecode.
    sc.listenerBus().waitUntilEmpty(10_000);
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
  }
}
