package io.libra.operation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.libra.session.ClientSession;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;

/**
 * The analysed Dataset of the query a session has just prepared, handed to that statement's first
 * execution so that {@code CreatePreparedStatement} followed at once by
 * {@code GetFlightInfo(CommandPreparedStatementQuery)} — what the Arrow Flight SQL JDBC driver does
 * for every {@code Statement.executeQuery} — analyses the SQL once, not twice.
 *
 * <p>Handed over only when nothing could have changed what the analysis saw: the execution is the
 * session's very next call ({@link ClientSession#calls()}, counted as calls arrive, so no handler
 * has to remember to forget it), no table was written
 * anywhere since ({@code writeEpoch}, bumped by every DDL, DML and bulk ingest), and it is the
 * statement's first execution; later executions analyse again, so they see the tables as they are
 * then. Queries with parameter markers are not kept.
 */
final class JustPrepared {
  private record Entry(String handle, Dataset<Row> dataset, long epoch, long call) {}

  private final Cache<ClientSession, Entry> bySession = Caffeine.newBuilder().weakKeys()
      .expireAfterWrite(Duration.ofMinutes(1)).build();
  private final LongSupplier writeEpoch;

  /** @param writeEpoch a counter that grows with every table write of any session */
  JustPrepared(LongSupplier writeEpoch) {
    this.writeEpoch = writeEpoch;
  }

  /** After {@code CreatePreparedStatement}: {@code dataset} null forgets. */
  void remember(ClientSession session, String handle, Dataset<Row> dataset) {
    if (dataset == null) {
      bySession.invalidate(session);
    } else {
      bySession.put(session, new Entry(handle, dataset, writeEpoch.getAsLong(), session.calls()));
    }
  }

  /** The Dataset analysed when {@code handle} was prepared, if still valid; else null. */
  Dataset<Row> take(ClientSession session, String handle) {
    Entry e = bySession.asMap().remove(session);
    return e != null && e.handle().equals(handle) && e.epoch() == writeEpoch.getAsLong()
        && session.calls() == e.call() + 1 ? e.dataset() : null;
  }
}
