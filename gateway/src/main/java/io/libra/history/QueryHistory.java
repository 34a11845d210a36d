package io.libra.history;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statement history behind {@code libra.queries}: table {@code QUERIES} of an embedded Derby
 * database in {@code <work dir>/history_db} (beside the job registry's), so it survives a
 * restart. Statements are recorded as they close ({@link #record}: queued, written by one
 * background thread, so no statement waits for the disk; when {@value #QUEUE} records wait, new
 * ones are dropped and counted). Kept: each user's newest {@code maxRows} records (checked every
 * {@value #PRUNE_EVERY} statements of that user), none older than {@code maxAge}
 * ({@code libra.history.retention-rows}, {@code libra.history.retention-days}); SQL text is cut
 * at {@value #MAX_SQL_CHARS} characters, and a scan returns at most the newest
 * {@value #MAX_SCAN_ROWS} rows.
 */
public final class QueryHistory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryHistory.class);
  static final int QUEUE = 10_000;
  private static final int PRUNE_EVERY = 200;
  private static final String COLUMNS = "statement_id, session_id, username, client_address,"
      + " pool, sql_text, kind, state, submitted_at, started_at, finished_at, rows_sent,"
      + " bytes_sent, error_class, sql_state, error, spark_job_ids";

  private final Connection connection;
  private final int maxRows;
  private final Duration maxAge;
  private final Function<String, int[]> jobIds;
  private final BlockingQueue<QueryRecord> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;
  private final java.util.Map<String, Integer> sinceLastPrune = new java.util.HashMap<>();
  /** The most rows one scan of {@code libra.queries} returns (the newest). */
  static final int MAX_SCAN_ROWS = 100_000;
  /** Characters of SQL text kept per statement. */
  static final int MAX_SQL_CHARS = 8_000;

  private QueryHistory(Connection connection, int maxRows, Duration maxAge,
      Function<String, int[]> jobIds) {
    this.connection = connection;
    this.maxRows = maxRows;
    this.maxAge = maxAge;
    this.jobIds = jobIds;
    this.writer = new Thread(this::writeLoop, "libra-history-writer");
    writer.setDaemon(true);
  }

  /**
   * Opens (creating if needed) the history in {@code directory} and prunes it.
   *
   * @param jobIds the Spark job ids of a job tag ({@code SparkStatusTracker.getJobIdsForTag})
   * @throws SQLException when Derby cannot boot the database (another JVM holds it)
   */
  public static QueryHistory open(Path directory, int maxRows, Duration maxAge,
      Function<String, int[]> jobIds) throws SQLException {
    Connection c = DriverManager.getConnection(
        "jdbc:derby:" + directory.toAbsolutePath() + ";create=true");
    try {
      createTable(c);
      QueryHistory history = new QueryHistory(c, maxRows, maxAge, jobIds);
      history.prune();
      history.writer.start();
      return history;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static void createTable(Connection c) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, null, "QUERIES", null)) {
      if (!rs.next()) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE queries (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
              + " statement_id VARCHAR(64), session_id VARCHAR(64), username VARCHAR(256),"
              + " client_address VARCHAR(256), pool VARCHAR(256), sql_text VARCHAR(32000),"
              + " kind VARCHAR(16), state VARCHAR(16), submitted_at BIGINT, started_at BIGINT,"
              + " finished_at BIGINT, rows_sent BIGINT, bytes_sent BIGINT,"
              + " error_class VARCHAR(256), sql_state VARCHAR(8), error VARCHAR(4000),"
              + " spark_job_ids VARCHAR(4000))");
          s.execute("CREATE INDEX queries_user ON queries (username, seq)");
        }
      }
    }
  }

  /** Queues {@code record} to be written; never blocks (a full queue drops it, counted). */
  public void record(QueryRecord record) {
    if (closed) {
      return;
    }
    pending.incrementAndGet();
    if (!queue.offer(record)) {
      pending.decrementAndGet();
      if (dropped.incrementAndGet() % 1000 == 1) {
        LOG.warn("query history: {} records dropped (the writer is behind)", dropped.get());
      }
    }
  }

  /** Records dropped because the writer was behind. */
  public long dropped() {
    return dropped.get();
  }

  /** Waits up to {@code millis} until every queued record is written; whether they are. */
  public boolean awaitWritten(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return pending.get() == 0;
  }

  private void writeLoop() {
    while (!closed || !queue.isEmpty()) {
      QueryRecord r;
      try {
        r = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue; // the loop's condition decides
      }
      if (r == null) {
        continue;
      }
      try {
        insert(r);
        if (sinceLastPrune.merge(r.user(), 1, Integer::sum) >= PRUNE_EVERY) {
          sinceLastPrune.remove(r.user());
          prune(r.user());
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warn("query history: cannot write statement {}: {}", r.statementId(), e.toString());
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  private synchronized void insert(QueryRecord r) throws SQLException {
    int[] ids = jobIds.apply(r.jobTag());
    StringBuilder jobs = new StringBuilder();
    for (int id : ids) {
      if (jobs.length() > 3900) {
        break;
      }
      jobs.append(jobs.length() == 0 ? "" : ",").append(id);
    }
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO queries (" + COLUMNS
        + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      int i = 1;
      p.setString(i++, r.statementId());
      p.setString(i++, r.sessionId());
      p.setString(i++, r.user());
      p.setString(i++, cut(r.clientAddress(), 256));
      p.setString(i++, cut(r.pool(), 256));
      p.setString(i++, cut(r.sql(), MAX_SQL_CHARS));
      p.setString(i++, r.kind());
      p.setString(i++, r.state());
      setMillis(p, i++, r.submitted());
      setMillis(p, i++, r.started());
      setMillis(p, i++, r.finished());
      JdbcValues.setLong(p, i++, r.rows());
      p.setLong(i++, r.bytes());
      p.setString(i++, cut(r.errorClass(), 256));
      p.setString(i++, cut(r.sqlState(), 8));
      p.setString(i++, cut(r.error(), 4000));
      p.setString(i, jobs.toString());
      p.executeUpdate();
    }
  }

  /** Deletes records older than the retention age, then each user's beyond their newest rows. */
  synchronized void prune() throws SQLException {
    try (PreparedStatement p = connection.prepareStatement(
        "DELETE FROM queries WHERE finished_at < ?")) {
      p.setLong(1, Instant.now().minus(maxAge).toEpochMilli());
      p.executeUpdate();
    }
    List<String> users = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT DISTINCT username FROM queries")) {
      while (rs.next()) {
        users.add(rs.getString(1));
      }
    }
    for (String user : users) {
      prune(user);
    }
  }

  /**
   * Keeps {@code user}'s newest {@code maxRows} records (per user, so that one user's flood of
   * statements never pushes out another's).
   */
  private synchronized void prune(String user) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("SELECT seq FROM queries WHERE"
        + " username = ? ORDER BY seq DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY")) {
      p.setString(1, user);
      p.setInt(2, maxRows);
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          try (PreparedStatement d = connection.prepareStatement(
              "DELETE FROM queries WHERE username = ? AND seq <= ?")) {
            d.setString(1, user);
            d.setLong(2, rs.getLong(1));
            d.executeUpdate();
          }
        }
      }
    }
  }

  /**
   * The rows of one reader: every user's when {@code all}, else {@code user}'s; the newest
   * {@link #MAX_SCAN_ROWS}, newest first.
   */
  public synchronized List<Row> list(String user, boolean all) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement("SELECT " + COLUMNS
        + " FROM queries" + (all ? "" : " WHERE username = ?")
        + " ORDER BY seq DESC FETCH FIRST " + MAX_SCAN_ROWS + " ROWS ONLY")) {
      if (!all) {
        p.setString(1, user);
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Long rowsSent = JdbcValues.nullableLong(rs, "rows_sent");
          out.add(new Row(new QueryRecord(rs.getString("statement_id"),
              rs.getString("session_id"), rs.getString("username"),
              rs.getString("client_address"), rs.getString("pool"), rs.getString("sql_text"),
              rs.getString("kind"), rs.getString("state"), millis(rs, "submitted_at"),
              millis(rs, "started_at"), millis(rs, "finished_at"), rowsSent,
              rs.getLong("bytes_sent"), rs.getString("error_class"), rs.getString("sql_state"),
              rs.getString("error"), null), rs.getString("spark_job_ids")));
        }
      }
    }
    return out;
  }

  /** A stored record with its Spark job ids (comma-separated). */
  public record Row(QueryRecord record, String sparkJobIds) {}

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }



  /** Writes what is queued (up to 10 s), then closes the database connection. */
  @Override
  public void close() throws SQLException {
    closed = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      connection.close();
    }
  }
}
