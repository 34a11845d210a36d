package io.libra.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.classic.SparkSession;

/**
 * Runs kind {@code jar-class} without per-job conf: the class's {@code main(String[])} on a
 * thread of the gateway JVM, loaded from the resource jar by its own class loader (parent: the
 * gateway's), with the caller's SparkSession active (so {@code SparkSession.builder().getOrCreate()}
 * returns it) and the caller's FAIR pool and a job tag {@code libra-job-<id>} as Spark local
 * properties.
 *
 * <p>Cancel cancels the Spark jobs with that tag and interrupts the thread. {@code System.out}
 * is the gateway's, so {@code driver.log} holds only this runner's record (start, end, stack
 * trace of a failure). Ended normally: FINISHED with exit code 0; threw: FAILED with exit code 1
 * and the exception as error; cancelled: KILLED.
 */
public final class InProcessJobRunner {
  /** Callbacks from the job's thread. */
  public interface Listener {
    void started();

    void ended(JobState state, int exitCode, String error);
  }

  /** A running in-process job. */
  public static final class Run {
    private final Thread thread;
    private final SparkContext sc;
    private final String tag;
    private volatile boolean cancelled;

    private Run(Thread thread, SparkContext sc, String tag) {
      this.thread = thread;
      this.sc = sc;
      this.tag = tag;
    }

    /** Cancels the job's Spark jobs and interrupts its thread. */
    public void cancel() {
      cancelled = true;
      sc.cancelJobsWithTag(tag);
      thread.interrupt();
    }
  }

  private InProcessJobRunner() {}

  /**
   * Starts {@code spec.mainClass()} of jar {@code spec.resource()} on a new thread.
   *
   * @param log file that receives the runner's record of the run
   */
  public static Run start(String id, JobSpec spec, Path log, SparkSession caller, String pool,
      Listener listener) {
    SparkContext sc = caller.sparkContext();
    String tag = "libra-job-" + id;
    Run[] self = new Run[1];
    Thread t = new Thread(() -> {
      write(log, "in-process job " + id + ": " + spec.mainClass() + " from " + spec.resource()
          + " in pool " + pool);
      SparkSession.setActiveSession(caller);
      // The thread inherited the submitting operation's local properties: its job tags must go
      // (cancelling that operation must not cancel this job).
      sc.clearJobTags();
      sc.setLocalProperty("spark.scheduler.pool", pool);
      sc.setLocalProperty("spark.job.interruptOnCancel", "true");
      sc.addJobTag(tag);
      try (URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(spec.resource()).toUri()
          .toURL()}, InProcessJobRunner.class.getClassLoader())) {
        Thread.currentThread().setContextClassLoader(loader);
        Method main = Class.forName(spec.mainClass(), true, loader)
            .getMethod("main", String[].class);
        if (!Modifier.isStatic(main.getModifiers())) {
          throw new IllegalArgumentException("argument 'main_class': " + spec.mainClass()
              + ".main is not static");
        }
        listener.started();
        main.invoke(null, (Object) spec.args().toArray(String[]::new));
        write(log, "in-process job " + id + " finished");
        listener.ended(JobState.FINISHED, 0, null);
      } catch (Throwable e) {
        Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null
            ? ite.getCause() : e;
        StringWriter trace = new StringWriter();
        cause.printStackTrace(new PrintWriter(trace));
        write(log, trace.toString());
        listener.ended(self[0].cancelled ? JobState.KILLED : JobState.FAILED, 1,
            cause.toString());
      } finally {
        sc.removeJobTag(tag);
        SparkSession.clearActiveSession();
      }
    }, tag);
    t.setDaemon(true);
    self[0] = new Run(t, sc, tag);
    t.start();
    return self[0];
  }

  private static void write(Path log, String text) {
    try {
      Files.writeString(log, Instant.now() + " " + text + System.lineSeparator(),
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The record is best effort; the registry has the outcome.
    }
  }
}
