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

  private final SparkContext sc;
  final List<Job> started = new CopyOnWriteArrayList<>();
  final Set<Integer> running = ConcurrentHashMap.newKeySet();
  final Map<Integer, Job> byId = new ConcurrentHashMap<>();

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
    running.add(job.id());
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    running.remove(end.jobId());
  }

  /** Running jobs whose tags contain {@code fragment}. */
  List<Job> runningWithTag(String fragment) {
    return running.stream().map(byId::get).filter(j -> j != null && j.tags().contains(fragment))
        .toList();
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
