package io.libra.jobs;

import io.libra.history.QueryHistory;
import io.libra.history.QueryRecord;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The row shape of table {@code libra.queries}, one ended statement each ({@link QueryRecord}):
 * statement_id and session_id (public ids, as in the log, job tags and {@code libra.sessions}),
 * user, client_address, pool, sql_text (secrets redacted), kind (query, update, ingest,
 * procedure), state (FINISHED, FAILED, CANCELLED), submitted, started, finished (timestamps,
 * UTC), duration_ms (submitted to finished), rows (sent, or an update's count when known),
 * bytes (Arrow buffer bytes sent), error_class, sqlstate, error, spark_job_ids (array of ints).
 */
public final class QueryRows {
  public static final StructType SCHEMA = new StructType()
      .add("statement_id", DataTypes.StringType, false)
      .add("session_id", DataTypes.StringType, false)
      .add("user", DataTypes.StringType, false)
      .add("client_address", DataTypes.StringType, true)
      .add("pool", DataTypes.StringType, true)
      .add("sql_text", DataTypes.StringType, true)
      .add("kind", DataTypes.StringType, false)
      .add("state", DataTypes.StringType, false)
      .add("submitted", DataTypes.TimestampType, false)
      .add("started", DataTypes.TimestampType, true)
      .add("finished", DataTypes.TimestampType, false)
      .add("duration_ms", DataTypes.LongType, false)
      .add("rows", DataTypes.LongType, true)
      .add("bytes", DataTypes.LongType, false)
      .add("error_class", DataTypes.StringType, true)
      .add("sqlstate", DataTypes.StringType, true)
      .add("error", DataTypes.StringType, true)
      .add("spark_job_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  private QueryRows() {}

  static InternalRow toInternalRow(QueryHistory.Row row) {
    QueryRecord r = row.record();
    String ids = row.sparkJobIds();
    int[] jobIds = ids == null || ids.isEmpty() ? new int[0]
        : java.util.Arrays.stream(ids.split(",")).mapToInt(Integer::parseInt).toArray();
    return new GenericInternalRow(new Object[] {JobRows.utf8(r.statementId()),
        JobRows.utf8(r.sessionId()), JobRows.utf8(r.user()), JobRows.utf8(r.clientAddress()),
        JobRows.utf8(r.pool()), JobRows.utf8(r.sql()), JobRows.utf8(r.kind()),
        JobRows.utf8(r.state()), JobRows.micros(r.submitted()), JobRows.micros(r.started()),
        JobRows.micros(r.finished()),
        r.finished().toEpochMilli() - r.submitted().toEpochMilli(), r.rows(), r.bytes(),
        JobRows.utf8(r.errorClass()), JobRows.utf8(r.sqlState()), JobRows.utf8(r.error()),
        org.apache.spark.sql.catalyst.util.ArrayData.toArrayData(jobIds)});
  }
}
