package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.testapps.TestAppJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The job registry across gateway restarts (the real command line in a child JVM, shipped conf/):
 * a finished job is still listed; a job running when the gateway was killed (SIGKILL) is LOST
 * afterwards and its orphaned driver JVM is stopped. (A normal stop, which kills running drivers
 * and marks them LOST at once, is tested in {@link JobsAuthTest}.)
 */
class JobsRestartTest {
  @Test
  void finishedJobsSurviveAndRunningOnesAreLost() throws Exception {
    Path work = Files.createTempDirectory("libra-jobs-restart-");
    Path jar = TestAppJar.build(work.resolve("apps/testapps.jar"));
    String allowed = "libra.jobs.allowed-dirs=" + work.resolve("apps");
    String finished;
    String crashed;
    long crashedPid;
    try (GatewayProcess g = GatewayProcess.start(work, allowed);
        Connection c = DriverManager.getConnection(g.jdbcUrl())) {
      JobsClient jobs = new JobsClient(c);
      finished = jobs.submit(call(jar, "HelloJob"));
      assertEquals("FINISHED", jobs.await(finished, 120_000, "FINISHED", "FAILED", "LOST")
          .get("state"));
      crashed = jobs.submit(call(jar, "SleepingJob"));
      Map<String, Object> running = jobs.await(crashed, 120_000, "RUNNING", "FAILED");
      assertEquals("RUNNING", running.get("state"));
      crashedPid = (Long) running.get("driver_pid");
      g.kill();
    }
    // Killed with the gateway gone, the driver lives on as an orphan until the next start.
    assertTrue(ProcessHandle.of(crashedPid).map(ProcessHandle::isAlive).orElse(false));
    try (GatewayProcess g = GatewayProcess.start(work, allowed);
        Connection c = DriverManager.getConnection(g.jdbcUrl())) {
      Map<String, String[]> rows = jobsTable(c);
      assertEquals("FINISHED", rows.get(finished)[0]);
      assertEquals("0", rows.get(finished)[1]);
      assertEquals("LOST", rows.get(crashed)[0]);
      assertTrue(rows.get(crashed)[2].contains("the gateway stopped while the job ran"),
          rows.get(crashed)[2]);
      JobsClient.awaitProcessGone(crashedPid, 20_000);
      assertEquals(2, rows.size());
    }
  }

  private static String call(Path jar, String app) {
    return "CALL libra.submit_job(kind => 'jar', resource => '" + jar + "', main_class =>"
        + " 'io.libra.testapps." + app + "', conf => MAP['spark.ui.enabled', 'false'])";
  }

  /** job_id → state, exit_code, error of {@code libra.jobs}. */
  private static Map<String, String[]> jobsTable(Connection c) throws Exception {
    Map<String, String[]> rows = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT job_id, state, exit_code, error FROM libra.jobs ORDER BY submitted_at")) {
      while (rs.next()) {
        rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3),
            rs.getString(4)});
      }
    }
    return rows;
  }
}
