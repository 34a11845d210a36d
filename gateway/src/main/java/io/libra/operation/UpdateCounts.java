package io.libra.operation;

import org.apache.spark.sql.execution.CommandResultExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.command.DataWritingCommandExec;
import org.apache.spark.sql.execution.datasources.v2.V2TableWriteExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Option;

/**
 * Reads the number of rows a DDL/DML statement changed from its executed physical plan.
 *
 * <p>Source: the {@code numOutputRows} SQL metric of the write node — {@code DataWritingCommandExec}
 * (INSERT into file-based and Hive tables, via {@code BasicWriteJobStatsTracker}) or a DataSource V2
 * {@code V2TableWriteExec}. Statements that write no rows (CREATE, DROP, USE, ...) count 0; a write
 * whose count Spark does not expose is -1 ("unknown", as Flight SQL's
 * {@code DoPutUpdateResult.record_count} defines it).
 */
public final class UpdateCounts {
  /** Flight SQL's "unknown" update count. */
  public static final long UNKNOWN = -1;

  private UpdateCounts() {}

  public static long of(SparkPlan executedPlan) {
    SparkPlan plan = executedPlan;
    if (plan instanceof CommandResultExec cr) {
      plan = cr.commandPhysicalPlan();
    }
    if (plan instanceof DataWritingCommandExec dw) {
      return metric(dw.cmd().metrics().get("numOutputRows"));
    }
    if (plan instanceof V2TableWriteExec) {
      return metric(plan.metrics().get("numOutputRows"));
    }
    return 0;
  }

  private static long metric(Option<SQLMetric> m) {
    return m.isDefined() ? m.get().value() : UNKNOWN;
  }
}
