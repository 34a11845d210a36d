package io.libra.jobs;

import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway does at start with the jobs a previous gateway process left SUBMITTED or RUNNING:
 * it can no longer follow them (their launcher connection died with it), so they become LOST; a
 * driver JVM of theirs still alive (the gateway was killed, so nothing stopped it) is killed, after
 * checking the pid still names that driver (a Java process started around the job's submission).
 */
final class JobRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(JobRecovery.class);

  private JobRecovery() {}

  /** Marks jobs left SUBMITTED or RUNNING by a previous gateway LOST, killing live drivers. */
  static void markLost(JobStore store) throws SQLException {
    for (JobRecord j : store.list()) {
      if (j.state().isFinal()) {
        continue;
      }
      String error = "the gateway stopped while the job ran";
      ProcessHandle driver = j.driverPid() == null ? null
          : ProcessHandle.of(j.driverPid()).filter(p -> isDriverOf(p, j)).orElse(null);
      if (driver != null) {
        driver.destroyForcibly();
        try {
          driver.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("driver pid {} of job {} did not stop: {}", j.driverPid(), j.id(), e.toString());
        }
        error += "; its driver (pid " + j.driverPid() + ") could no longer be followed and was"
            + " stopped";
      }
      store.save(j.withState(JobState.LOST, Instant.now()).withExit(j.exitCode(), error));
      LOG.info("job {} marked LOST: {}", j.id(), error);
    }
  }

  /** Guards against pid reuse: a Java process started around the job's submission. */
  private static boolean isDriverOf(ProcessHandle p, JobRecord j) {
    if (!p.isAlive()) {
      return false;
    }
    ProcessHandle.Info info = p.info();
    boolean java = info.command().map(c -> c.endsWith("java")).orElse(false);
    boolean inTime = info.startInstant().map(t -> !t.isBefore(j.submittedAt().minusSeconds(5))
        && t.isBefore(j.submittedAt().plusSeconds(120))).orElse(false);
    return java && inTime;
  }
}
