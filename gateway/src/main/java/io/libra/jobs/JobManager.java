package io.libra.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.sql.classic.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submitted jobs: starts them ({@link JobLauncher} or {@link InProcessJobRunner}), follows their
 * state into the {@link JobStore}, cancels them and serves their logs, checking {@link JobAccess}.
 *
 * <p>At open, jobs the registry still shows SUBMITTED or RUNNING belonged to a previous gateway
 * process: they are marked LOST, and a driver JVM of theirs that is still alive is killed (it can
 * no longer be followed). At close, drivers still running are killed and marked LOST.
 */
public final class JobManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JobStore store;
  private final JobLauncher launcher;
  private final JobAccess access;
  private final JobSettings settings;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Runs driver-exit handling off the JVM's process reaper thread. */
  private final ExecutorService events = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "libra-job-events");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  /** A job this process follows: a launched driver or an in-process run. */
  private record Running(JobLauncher.Launched launched, InProcessJobRunner.Run inProcess) {}

  private JobManager(JobStore store, JobLauncher launcher, JobAccess access, JobSettings settings) {
    this.store = store;
    this.launcher = launcher;
    this.access = access;
    this.settings = settings;
  }

  /**
   * Opens the registry under the work directory, prepares spark-submit and reconciles jobs left
   * from a previous run.
   *
   * @throws SQLException when the registry cannot be opened
   * @throws IOException when the embedded SPARK_HOME cannot be laid out
   */
  public static JobManager open(JobSettings settings, UserRoles roles)
      throws SQLException, IOException {
    Path sparkHome = settings.sparkHome() != null ? settings.sparkHome()
        : EmbeddedSparkHome.create(settings.workDir().resolve("spark-home"));
    if (!EmbeddedSparkHome.isSparkHome(sparkHome)) {
      throw new IllegalArgumentException("SPARK_HOME " + sparkHome + " has no bin/spark-submit");
    }
    JobStore store = JobStore.open(settings.workDir().resolve("jobs_db"));
    JobManager m = new JobManager(store, new JobLauncher(settings, sparkHome),
        new JobAccess(settings, roles), settings);
    JobRecovery.markLost(store);
    return m;
  }

  /**
   * Submits a job for {@code user}.
   *
   * @param caller the caller's SparkSession and {@code pool}: used only by in-process jobs
   * @return the job as registered: SUBMITTED (or RUNNING already), FAILED when spark-submit could
   *     not be started
   * @throws JobAccessDeniedException / IllegalArgumentException see {@link JobAccess#checkSubmit}
   */
  public JobRecord submit(String user, JobSpec spec, SparkSession caller, String pool)
      throws IOException, SQLException {
    Path resource = access.checkSubmit(user, spec);
    boolean inProcess = spec.kind() == JobKind.JAR_CLASS && spec.conf().isEmpty();
    if (inProcess && !settings.inProcessEnabled()) {
      throw new JobAccessDeniedException("kind 'jar-class' without 'conf' runs in the gateway JVM,"
          + " which libra.jobs.in-process.enabled=false does not allow; pass 'conf' to run it"
          + " in its own driver");
    }
    String id = newId();
    Path dir = Files.createDirectories(settings.workDir().resolve("jobs").resolve(id));
    Path log = dir.resolve("driver.log");
    JobSpec resolved = new JobSpec(spec.kind(), resource.toString(), spec.mainClass(),
        spec.args(), spec.conf(), spec.name());
    JobRecord job = new JobRecord(id, spec.name(), spec.kind().sqlName(), user,
        JobState.SUBMITTED, resource.toString(), Instant.now(), null, null, null, null, null,
        null, log.toString());
    synchronized (this) {
      store.save(job);
      if (inProcess) {
        running.put(id, new Running(null, InProcessJobRunner.start(id, resolved, log, caller, pool,
            new InProcessJobRunner.Listener() {
              @Override
              public void started() {
                update(id, j -> j.withState(JobState.RUNNING, Instant.now()));
              }

              @Override
              public void ended(JobState state, int exitCode, String error) {
                finish(id, state, exitCode, error);
              }
            })));
      } else {
        JobLauncher.Launched launched;
        try {
          launched = launcher.launch(id, resolved, dir, listener(id));
        } catch (IOException | RuntimeException e) {
          LOG.error("job {}: cannot start spark-submit", id, e);
          finish(id, JobState.FAILED, null, "cannot start spark-submit: " + e.getMessage());
          return get(id);
        }
        running.put(id, new Running(launched, null));
        if (launched.process() != null) {
          update(id, j -> j.withPid(launched.process().pid()));
          launched.process().onExit().thenRunAsync(() -> driverExited(id, launched), events);
        }
      }
    }
    return get(id);
  }

  private SparkAppHandle.Listener listener(String id) {
    return new SparkAppHandle.Listener() {
      @Override
      public void stateChanged(SparkAppHandle handle) {
        synchronized (JobManager.this) {
          onState(id, JobState.of(handle.getState()));
        }
      }

      @Override
      public void infoChanged(SparkAppHandle handle) {
        if (handle.getAppId() != null) {
          update(id, j -> j.withAppId(handle.getAppId()));
        }
      }
    };
  }

  /** A state from the handle; with the driver process known, final states wait for its exit. */
  private void onState(String id, JobState state) {
    Running r = running.get(id);
    boolean followsProcess = r != null && r.launched() != null && r.launched().process() != null;
    if (!state.isFinal()) {
      update(id, j -> j.state().isFinal() ? j : j.withState(state, Instant.now()));
    } else if (!followsProcess) {
      finish(id, state, null, state == JobState.FAILED ? failure(id, null) : null);
    }
  }


  /** The driver JVM ended: wait (bounded) for the handle's final state, then record both. */
  private void driverExited(String id, JobLauncher.Launched launched) {
    int code = launched.process().exitValue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!launched.handle().getState().isFinal() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    JobState state = JobState.of(launched.handle().getState());
    if (code != 0 && (state == JobState.FINISHED || !state.isFinal())) {
      state = JobState.FAILED;
    } else if (!state.isFinal()) {
      state = JobState.LOST;
    }
    String error = state == JobState.FAILED ? failure(id, code)
        : state == JobState.LOST ? "the driver exited without reporting a final state" : null;
    finish(id, state, code, error);
  }

  private String failure(String id, Integer code) {
    String line = DriverLog.failure(Path.of(get(id).logPath()));
    return line != null ? line : "the driver failed" + (code == null ? "" : " (exit code " + code
        + ")") + "; see CALL libra.job_log('" + id + "')";
  }

  /**
   * Records a final state once: a job already final (the driver's exit and the handle's last
   * state both report, in either order) keeps its state and error; only a missing exit code is
   * added.
   */
  private synchronized void finish(String id, JobState state, Integer exitCode, String error) {
    running.remove(id);
    update(id, j -> {
      if (j.state().isFinal()) {
        return j.exitCode() == null && exitCode != null ? j.withExit(exitCode, j.error()) : j;
      }
      return j.withState(state, Instant.now()).withExit(exitCode, error);
    });
    LOG.info("job {} ended: {} (exit code {})", id, get(id).state(), exitCode);
  }

  private synchronized void update(String id, java.util.function.UnaryOperator<JobRecord> change) {
    if (closed) {
      return;
    }
    try {
      JobRecord j = store.find(id).orElse(null);
      if (j != null) {
        JobRecord next = change.apply(j);
        if (!next.equals(j)) {
          store.save(next);
        }
      }
    } catch (SQLException e) {
      LOG.error("cannot record job {} in the registry", id, e);
    }
  }

  private JobRecord get(String id) {
    try {
      return store.find(id).orElseThrow(() -> new JobNotFoundException(id));
    } catch (SQLException e) {
      throw new IllegalStateException("job registry: " + e.getMessage(), e);
    }
  }

  /**
   * The job {@code id} if {@code user} may see it.
   *
   * @throws JobNotFoundException when unknown or another user's (for non-admins)
   */
  public JobRecord status(String user, String id) {
    requireWellFormed(id);
    JobRecord j;
    try {
      j = store.find(id).orElse(null);
    } catch (SQLException e) {
      throw new IllegalStateException("job registry: " + e.getMessage(), e);
    }
    if (j == null || !access.canSee(user, j)) {
      throw new JobNotFoundException(id);
    }
    return j;
  }

  /**
   * Cancels a job: kills its driver JVM (or interrupts an in-process run) and marks it KILLED; a job
   * already in a final state is left as it is.
   *
   * @return the job after the cancel
   * @throws JobNotFoundException see {@link #status}
   */
  public JobRecord cancel(String user, String id) {
    JobRecord j = status(user, id);
    if (j.state().isFinal()) {
      return j;
    }
    update(id, r -> r.withState(JobState.KILLED, Instant.now())
        .withExit(r.exitCode(), "cancelled by " + user));
    Running r = running.get(id);
    if (r != null && r.launched() != null) {
      r.launched().handle().kill();
      if (r.launched().process() != null) {
        r.launched().process().destroyForcibly();
      }
    } else if (r != null) {
      r.inProcess().cancel();
    }
    LOG.info("job {} cancelled by {}", id, user);
    return get(id);
  }

  /**
   * The last {@code lines} lines of the driver's output.
   *
   * @throws JobNotFoundException see {@link #status}
   */
  public List<String> log(String user, String id, int lines) throws IOException {
    return DriverLog.tail(Path.of(status(user, id).logPath()), lines);
  }

  /** Jobs by state, all users (metrics); empty when the registry cannot be read. */
  public Map<String, Long> countByState() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (JobState s : JobState.values()) {
      out.put(s.name(), 0L); // every state, also when none is in it
    }
    try {
      for (JobRecord j : store.list()) {
        out.merge(j.state().name(), 1L, Long::sum);
      }
    } catch (SQLException e) {
      // a scrape must not fail for it
    }
    return out;
  }

  /** Every job {@code user} may see (all for admins), oldest first. */
  public List<JobRecord> list(String user) throws SQLException {
    return access.visible(user, store.list());
  }

  /** Kills drivers still running (marking them LOST) and closes the registry. */
  @Override
  public synchronized void close() throws SQLException {
    for (Map.Entry<String, Running> e : running.entrySet()) {
      update(e.getKey(), j -> j.state().isFinal() ? j : j.withState(JobState.LOST, Instant.now())
          .withExit(j.exitCode(), "the gateway stopped while the job ran"));
      Running r = e.getValue();
      if (r.launched() != null) {
        r.launched().handle().kill();
        if (r.launched().process() != null) {
          r.launched().process().destroyForcibly();
        }
      } else {
        r.inProcess().cancel();
      }
    }
    running.clear();
    closed = true;
    events.shutdown();
    store.close();
  }

  /**
   * Text that cannot be a job id (16 characters of {@code A-Z a-z 0-9 _ -}, {@link #newId()}) is
   * never looked up: {@link JobNotFoundException}, or for text over 64 characters an
   * {@link IllegalArgumentException} (INVALID_ARGUMENT, the text shortened in the message).
   */
  static void requireWellFormed(String id) {
    if (id != null && id.matches("[A-Za-z0-9_-]{16}")) {
      return;
    }
    if (id != null && id.length() <= 64) {
      throw new JobNotFoundException(id.replaceAll("\\p{Cntrl}", "?"));
    }
    String shown = id == null ? "null" : id.substring(0, 40) + "…";
    throw new IllegalArgumentException("'" + shown.replaceAll("\\p{Cntrl}", "?")
        + "' is not a job id (16 characters of A-Z, a-z, 0-9, _ and -)");
  }

  private static String newId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
