package io.libra.history;

import io.libra.operation.Operation;
import io.libra.util.PublicIds;
import java.time.Instant;

/**
 * One ended statement as {@code libra.queries} shows it.
 *
 * @param statementId the statement's public id (as in the log and its job tag)
 * @param sessionId its session's public id
 * @param user who ran it
 * @param clientAddress the host its client called from, or null
 * @param pool the FAIR pool its jobs ran in
 * @param sql its text, secrets redacted ({@code spark.sql.redaction.string.regex})
 * @param kind query, update, ingest or procedure
 * @param state FINISHED, FAILED, CANCELLED (also timed out), or REJECTED (by admission)
 * @param submitted when it was submitted
 * @param started when its first step ran, or null (never ran)
 * @param finished when it ended
 * @param rows rows sent to the client (queries), or the update count (updates, when known)
 * @param bytes Arrow buffer bytes sent to the client
 * @param errorClass Spark's error condition ({@code [PARSE_SYNTAX_ERROR]}), or Libra's name of
 *     the failure (STATEMENT_TIMEOUT, ADMISSION_REJECTED, …); null when it finished
 * @param sqlState the SQLSTATE of Spark's error, or null
 * @param error the error message (at most 4,000 characters, secrets masked as in the SQL), or null
 * @param jobTag its Spark job tag (the job ids are looked up by it when the record is written)
 */
public record QueryRecord(String statementId, String sessionId, String user,
    String clientAddress, String pool, String sql, String kind, String state, Instant submitted,
    Instant started, Instant finished, Long rows, long bytes, String errorClass, String sqlState,
    String error, String jobTag) {

  /** The record of {@code op}, which has just closed. */
  public static QueryRecord of(Operation op) {
    StatementError error = op.failure() == null ? null : StatementError.of(op.failure());
    if (error == null && op.isCancelled()) {
      error = StatementError.ofCancel(op);
    }
    Long rows = op.kind().equals("query") ? Long.valueOf(op.rowsSent())
        : op.updateCount() >= 0 ? Long.valueOf(op.updateCount()) : null;
    return new QueryRecord(op.publicId(), PublicIds.of(op.sessionId()), op.user(),
        op.clientAddress(), op.pool(), op.redactedSql(), op.kind(),
        error != null && error.errorClass().equals("ADMISSION_REJECTED") ? "REJECTED"
            : String.valueOf(op.finalState()), op.submittedAt(), op.startedAt(),
        op.finishedAt() != null ? op.finishedAt() : Instant.now(), rows, op.bytesSent(),
        error == null ? null : error.errorClass(), error == null ? null : error.sqlState(),
        error == null ? null : io.libra.operation.SqlRedaction.redactSecrets(error.message()),
        op.jobTag());
  }
}
