package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.auth.UserStore;
import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import io.libra.jobs.JobRecord;
import io.libra.jobs.JobState;
import io.libra.jobs.JobStore;
import io.libra.testapps.TestAppJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;

/**
 * Job permissions with authentication on: only users with the submit role submit; others neither
 * see nor cancel someone else's job (NOT_FOUND); an admin sees and cancels every job. Closing the
 * server kills drivers still running and records them LOST.
 */
class JobsAuthTest {
  @Test
  void rolesDecideWhoSubmitsSeesAndCancels() throws Exception {
    Path conf = Files.createTempDirectory("libra-jobs-auth-");
    for (String user : new String[] {"alice", "bob", "root"}) {
      UserStore.put(conf.resolve("users.properties"), user, (user + "-pw").toCharArray());
    }
    Files.writeString(conf.resolve("roles.properties"), "alice = submit\nroot = admin\n");
    Path jar = TestAppJar.build(conf.resolve("apps/testapps.jar"));
    LibraConfig config = LibraConfig.load(conf, conf, Map.of(), Map.of("libra.server.port", "0",
        "libra.auth.enabled", "true", "libra.jobs.allowed-dirs", conf.resolve("apps").toString()));
    String running;
    long runningPid;
    try (LibraServer server = LibraServer.start(config, TestGateway.get().spark);
        Connection alice = connect(server, "alice");
        Connection bob = connect(server, "bob");
        Connection root = connect(server, "root")) {
      String submit = "CALL libra.submit_job(kind => 'jar', resource => '" + jar
          + "', main_class => 'io.libra.testapps.SleepingJob', conf =>"
          + " MAP['spark.ui.enabled', 'false'])";
      SQLException denied = assertThrows(SQLException.class,
          () -> bob.createStatement().executeQuery(submit).close());
      assertEquals(FlightStatusCode.UNAUTHORIZED, JobsClient.status(denied));
      assertTrue(denied.getMessage().contains("user 'bob' may not submit jobs"),
          denied.getMessage());

      String id = new JobsClient(alice).submit(submit);
      for (String call : new String[] {"CALL libra.job_status('" + id + "')",
          "CALL libra.cancel_job('" + id + "')", "CALL libra.job_log('" + id + "')"}) {
        SQLException hidden = assertThrows(SQLException.class,
            () -> bob.createStatement().executeQuery(call).close());
        assertEquals(FlightStatusCode.NOT_FOUND, JobsClient.status(hidden), call);
      }
      assertEquals("alice", new JobsClient(root).status(id).get("user"));
      try (var rs = root.createStatement().executeQuery("CALL libra.cancel_job('" + id + "')")) {
        assertTrue(rs.next());
        assertEquals("KILLED", rs.getString("state"));
      }
      Map<String, Object> after = new JobsClient(alice).status(id);
      assertEquals("KILLED", after.get("state"));
      assertEquals("cancelled by root", after.get("error"));
      if (after.get("driver_pid") != null) {
        JobsClient.awaitProcessGone((Long) after.get("driver_pid"), 20_000);
      }

      // Stopping the server kills drivers still running and records them LOST.
      running = new JobsClient(alice).submit(submit);
      Map<String, Object> r = new JobsClient(alice).await(running, 120_000, "RUNNING", "FAILED");
      assertEquals("RUNNING", r.get("state"));
      runningPid = (Long) r.get("driver_pid");
    }
    JobsClient.awaitProcessGone(runningPid, 20_000);
    try (JobStore store = JobStore.open(conf.resolve("work/jobs_db"))) {
      JobRecord lost = store.find(running).orElseThrow();
      assertEquals(JobState.LOST, lost.state());
      assertEquals("the gateway stopped while the job ran", lost.error());
    }
  }

  private static Connection connect(LibraServer server, String user) throws SQLException {
    return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + server.port()
        + "/?useEncryption=false&user=" + user + "&password=" + user + "-pw");
  }
}
