package io.libra.operation;

import io.libra.procedures.LibraProcedures;
import io.libra.procedures.Procedure;
import io.libra.results.SparkArrowSchema;
import io.libra.session.ClientSession;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Analyses and runs a statement's text in its session, by kind ({@link StatementText}): Spark SQL
 * through the session's SparkSession ({@code spark.sql(sql[, args])}), procedure calls through
 * {@link LibraProcedures}. Called inside a statement's step (the step's thread carries the
 * session's local properties); runs what it is asked to, nothing else.
 */
final class SessionSql {
  private final LibraProcedures procedures;

  SessionSql(LibraProcedures procedures) {
    this.procedures = procedures;
  }

  /** What {@code sql} is: decided once, when the statement arrives. */
  StatementText classify(String sql) {
    return StatementText.of(sql, procedures);
  }

  /** Analysis only: Spark's analyzer, or the procedure call's result schema. */
  AnalyzedStatement analyze(StatementContext ctx, StatementText text) throws Exception {
    return analyzeForExecution(ctx, text).statement();
  }

  /** Like {@link #analyze}, keeping the analysed Dataset of a plain Spark query. */
  StatementAnalyzer.Analysis analyzeForExecution(StatementContext ctx, StatementText text)
      throws Exception {
    if (text instanceof StatementText.Procedure p) {
      return new StatementAnalyzer.Analysis(new AnalyzedStatement(p, StatementKind.QUERY,
          procedures.describe(p.sql()), List.of(), List.of()), null);
    }
    return StatementAnalyzer.analyzeForExecution(spark(ctx), text.sql());
  }

  /**
   * The Dataset a query statement returns: the procedure's rows, or the Spark query run once per
   * parameter row and concatenated (UNION ALL).
   */
  Dataset<Row> query(StatementContext ctx, AnalyzedStatement statement, List<Object[]> rows)
      throws Exception {
    if (statement.text() instanceof StatementText.Procedure p) {
      return call(ctx, p);
    }
    Dataset<Row> all = null;
    for (Object[] args : rows) {
      Dataset<Row> one = args.length == 0 ? spark(ctx).sql(statement.sql())
          : spark(ctx).sql(statement.sql(), args);
      all = all == null ? one : all.unionAll(one);
    }
    return all;
  }

  /** Runs a DDL/DML statement (or a procedure) once with these positional parameters. */
  long update(StatementContext ctx, AnalyzedStatement statement, Object[] args) throws Exception {
    if (statement.text() instanceof StatementText.Procedure p) {
      return call(ctx, p).count();
    }
    Dataset<Row> result = args.length == 0 ? spark(ctx).sql(statement.sql())
        : spark(ctx).sql(statement.sql(), args);
    return UpdateCounts.of(result.queryExecution().executedPlan());
  }

  private Dataset<Row> call(StatementContext ctx, StatementText.Procedure p) throws Exception {
    ClientSession s = ctx.session();
    return procedures.call(new Procedure.Caller(s.user(), s.spark(), ctx.pool()), p.sql());
  }

  /** The Arrow form of a Spark schema in the session's time zone ({@link SparkArrowSchema}). */
  static Schema arrowSchema(StatementContext ctx, StructType schema) {
    return SparkArrowSchema.toArrow(schema, timeZone(ctx));
  }

  static String timeZone(StatementContext ctx) {
    return spark(ctx).sessionState().conf().sessionLocalTimeZone();
  }

  static SparkSession spark(StatementContext ctx) {
    return ctx.session().spark();
  }

  /** The executions a statement makes: one per bound parameter row, once without markers. */
  static List<Object[]> executions(AnalyzedStatement statement, List<Object[]> sent) {
    List<Object[]> rows = statement.parameterCount() == 0 ? List.<Object[]>of(new Object[0])
        : sent.isEmpty() ? statement.boundRows() : sent;
    if (statement.parameterCount() > 0 && rows.isEmpty()) {
      throw new IllegalArgumentException("the statement has " + statement.parameterCount()
          + " parameter markers (?) but no parameter values were bound");
    }
    return rows;
  }

  /** @throws IllegalArgumentException when a row's width differs from the number of markers */
  static void checkWidth(AnalyzedStatement statement, List<Object[]> rows) {
    for (Object[] row : rows) {
      if (row.length != statement.parameterCount()) {
        throw new IllegalArgumentException("the statement has " + statement.parameterCount()
            + " parameter markers (?) but a parameter row has " + row.length + " values");
      }
    }
  }
}
