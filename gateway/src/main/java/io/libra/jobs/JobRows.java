package io.libra.jobs;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The row shape of a job, shared by table {@code libra.jobs} and {@code CALL libra.job_status}:
 * job_id, name, kind, user, state (strings), submitted_at, started_at, finished_at (timestamps,
 * UTC), exit_code (int), app_id, error (strings), driver_pid (bigint). Absent values are null.
 */
public final class JobRows {
  public static final StructType SCHEMA = new StructType()
      .add("job_id", DataTypes.StringType, false)
      .add("name", DataTypes.StringType, true)
      .add("kind", DataTypes.StringType, false)
      .add("user", DataTypes.StringType, false)
      .add("state", DataTypes.StringType, false)
      .add("submitted_at", DataTypes.TimestampType, false)
      .add("started_at", DataTypes.TimestampType, true)
      .add("finished_at", DataTypes.TimestampType, true)
      .add("exit_code", DataTypes.IntegerType, true)
      .add("app_id", DataTypes.StringType, true)
      .add("error", DataTypes.StringType, true)
      .add("driver_pid", DataTypes.LongType, true);

  private JobRows() {}

  /** An external row (for {@code createDataFrame}). */
  public static Row toRow(JobRecord j) {
    return RowFactory.create(j.id(), j.name(), j.kind(), j.user(), j.state().name(),
        ts(j.submittedAt()), ts(j.startedAt()), ts(j.finishedAt()), j.exitCode(), j.appId(),
        j.error(), j.driverPid());
  }

  /** A Catalyst row (for the table scan): strings as UTF8String, timestamps as microseconds. */
  public static InternalRow toInternalRow(JobRecord j) {
    return new GenericInternalRow(new Object[] {utf8(j.id()), utf8(j.name()), utf8(j.kind()),
        utf8(j.user()), utf8(j.state().name()), micros(j.submittedAt()), micros(j.startedAt()),
        micros(j.finishedAt()), j.exitCode(), utf8(j.appId()), utf8(j.error()), j.driverPid()});
  }

  private static Timestamp ts(Instant t) {
    return t == null ? null : Timestamp.from(t);
  }

  /** Microseconds since the epoch (Catalyst's timestamp), or null. */
  static Long micros(Instant t) {
    return t == null ? null : t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }
}
