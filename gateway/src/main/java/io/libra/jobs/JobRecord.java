package io.libra.jobs;

import java.time.Instant;

/**
 * One row of the job registry (and of table {@code libra.jobs}).
 *
 * @param id job id (random, URL-safe)
 * @param name display name
 * @param kind {@link JobKind#sqlName()}
 * @param user who submitted it
 * @param state current state
 * @param resource the submitted jar or Python file
 * @param submittedAt when it was accepted
 * @param startedAt when the driver reported RUNNING, or null
 * @param finishedAt when it reached a final state, or null
 * @param exitCode the driver JVM's exit code (0 for an in-process job that returned), or null
 * @param appId the Spark application id reported by the driver, or null
 * @param error why it failed or was lost, or null
 * @param driverPid process id of the driver JVM (null for in-process jobs)
 * @param logPath file holding the driver's stdout and stderr
 */
public record JobRecord(String id, String name, String kind, String user, JobState state,
    String resource, Instant submittedAt, Instant startedAt, Instant finishedAt, Integer exitCode,
    String appId, String error, Long driverPid, String logPath) {

  public JobRecord withState(JobState newState, Instant at) {
    return new JobRecord(id, name, kind, user, newState, resource, submittedAt,
        newState == JobState.RUNNING && startedAt == null ? at : startedAt,
        newState.isFinal() && finishedAt == null ? at : finishedAt, exitCode, appId, error,
        driverPid, logPath);
  }

  public JobRecord withAppId(String newAppId) {
    return new JobRecord(id, name, kind, user, state, resource, submittedAt, startedAt,
        finishedAt, exitCode, newAppId, error, driverPid, logPath);
  }

  public JobRecord withExit(Integer code, String newError) {
    return new JobRecord(id, name, kind, user, state, resource, submittedAt, startedAt,
        finishedAt, code, appId, newError, driverPid, logPath);
  }

  public JobRecord withPid(Long pid) {
    return new JobRecord(id, name, kind, user, state, resource, submittedAt, startedAt,
        finishedAt, exitCode, appId, error, pid, logPath);
  }
}
