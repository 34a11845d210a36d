package io.libra.jobs;

import static io.libra.util.JdbcValues.millis;
import static io.libra.util.JdbcValues.setMillis;

import io.libra.util.JdbcValues;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The job registry on disk: table {@code JOBS} of an embedded Derby database (Derby ships with
 * Spark's Hive support) in directory {@code <work dir>/jobs_db}, next to the Hive metastore's own
 * Derby database. Every state change is written at once, so the registry survives a restart.
 *
 * <p>Times are stored as epoch milliseconds. Calls are serialised on one connection (a few writes
 * per job).
 */
public final class JobStore implements AutoCloseable {
  private static final String COLUMNS = "id, name, kind, username, state, resource, submitted_at,"
      + " started_at, finished_at, exit_code, app_id, error, driver_pid, log_path";

  private final Connection connection;

  private JobStore(Connection connection) {
    this.connection = connection;
  }

  /**
   * Opens (creating if needed) the registry in {@code directory}.
   *
   * @throws SQLException when Derby cannot boot the database (for example another JVM holds it)
   */
  public static JobStore open(Path directory) throws SQLException {
    Connection c = DriverManager.getConnection(
        "jdbc:derby:" + directory.toAbsolutePath() + ";create=true");
    try (ResultSet rs = c.getMetaData().getTables(null, null, "JOBS", null)) {
      if (!rs.next()) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE jobs (id VARCHAR(64) PRIMARY KEY, name VARCHAR(256),"
              + " kind VARCHAR(32), username VARCHAR(256), state VARCHAR(16),"
              + " resource VARCHAR(4096), submitted_at BIGINT, started_at BIGINT,"
              + " finished_at BIGINT, exit_code INT, app_id VARCHAR(256), error VARCHAR(8000),"
              + " driver_pid BIGINT, log_path VARCHAR(4096))");
        }
      }
    }
    return new JobStore(c);
  }

  /** Inserts or replaces the row of {@code job.id()} (one statement each way, so a row is never lost). */
  public synchronized void save(JobRecord job) throws SQLException {
    try (PreparedStatement u = connection.prepareStatement("UPDATE jobs SET name = ?, kind = ?,"
        + " username = ?, state = ?, resource = ?, submitted_at = ?, started_at = ?,"
        + " finished_at = ?, exit_code = ?, app_id = ?, error = ?, driver_pid = ?, log_path = ?"
        + " WHERE id = ?")) {
      bind(u, job, 1);
      u.setString(14, job.id());
      if (u.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement p = connection.prepareStatement(
        "INSERT INTO jobs (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      p.setString(1, job.id());
      bind(p, job, 2);
      p.executeUpdate();
    }
  }

  /** Sets the 13 columns after {@code id}, in {@link #COLUMNS} order, from index {@code first}. */
  private static void bind(PreparedStatement p, JobRecord job, int first) throws SQLException {
    int i = first;
    p.setString(i++, job.name());
    p.setString(i++, job.kind());
    p.setString(i++, job.user());
    p.setString(i++, job.state().name());
    p.setString(i++, job.resource());
    setMillis(p, i++, job.submittedAt());
    setMillis(p, i++, job.startedAt());
    setMillis(p, i++, job.finishedAt());
    if (job.exitCode() == null) {
      p.setNull(i++, Types.INTEGER);
    } else {
      p.setInt(i++, job.exitCode());
    }
    p.setString(i++, job.appId());
    p.setString(i++, job.error() == null ? null
        : job.error().length() > 8000 ? job.error().substring(0, 8000) : job.error());
    JdbcValues.setLong(p, i++, job.driverPid());
    p.setString(i, job.logPath());
  }

  public synchronized Optional<JobRecord> find(String id) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** Every job, oldest first. */
  public synchronized List<JobRecord> list() throws SQLException {
    List<JobRecord> jobs = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM jobs ORDER BY submitted_at")) {
      while (rs.next()) {
        jobs.add(read(rs));
      }
    }
    return jobs;
  }

  private static JobRecord read(ResultSet rs) throws SQLException {
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    Long driverPid = JdbcValues.nullableLong(rs, "driver_pid");
    return new JobRecord(rs.getString("id"), rs.getString("name"), rs.getString("kind"),
        rs.getString("username"), JobState.valueOf(rs.getString("state")),
        rs.getString("resource"), millis(rs, "submitted_at"), millis(rs, "started_at"),
        millis(rs, "finished_at"), exitCode, rs.getString("app_id"), rs.getString("error"),
        driverPid, rs.getString("log_path"));
  }



  @Override
  public synchronized void close() throws SQLException {
    connection.close();
  }
}
