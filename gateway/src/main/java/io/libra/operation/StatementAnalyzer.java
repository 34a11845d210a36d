package io.libra.operation;

import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.types.DataTypeUtils$;
import org.apache.spark.sql.classic.SparkSession;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Classifies SQL as query or update and derives the result schema, without executing anything.
 *
 * <p>{@code SparkSession.sql} runs commands eagerly, so the text is parsed first with the session's
 * parser ({@code sessionState().sqlParser().parsePlan}): a {@link Command} (or a parsed
 * {@code INSERT}) with no output attributes is an update (DDL/DML); a command with output (SHOW,
 * DESCRIBE, EXPLAIN, SET), declared by the parsed plan or, for a command that declares none, by the
 * analysed one (DESCRIBE FUNCTION), is a query whose schema is that output; anything else is a
 * query, analysed lazily by {@code SparkSession.sql}.
 *
 * <p>Errors are Spark's own: {@code ParseException} ({@code PARSE_SYNTAX_ERROR}, 42601) and
 * {@code AnalysisException} (for example {@code TABLE_OR_VIEW_NOT_FOUND}, 42P01).
 */
public final class StatementAnalyzer {
  private StatementAnalyzer() {}

  /**
   * Parses and analyses {@code sql}; runs nothing. Denied functions are refused by the session's
   * analyzer check ({@code SqlGuard}, {@code libra.sql.denied-functions}).
   *
   * @throws IllegalArgumentException naming a denied function the statement calls
   */
  public static AnalyzedStatement analyze(SparkSession session, String sql) throws Exception {
    return analyzeForExecution(session, sql).statement();
  }

  /**
   * The analysis plus, for a plain query without parameter markers, the analysed Dataset itself, so
   * a statement executed at once (GetFlightInfo of an ad-hoc query) is analysed only once.
   *
   * @param dataset the analysed, not executed, Dataset; null for commands and parameterised SQL
   */
  public record Analysis(AnalyzedStatement statement, Dataset<Row> dataset) {}

  /** Like {@link #analyze(SparkSession, String)}, keeping the analysed Dataset. */
  public static Analysis analyzeForExecution(SparkSession session, String sql) throws Exception {
    LogicalPlan plan = session.sessionState().sqlParser().parsePlan(sql);
    int markers = ParameterTypes.count(plan);
    List<DataType> parameterTypes = markers == 0 ? List.of()
        : ParameterTypes.infer(session, plan, markers);
    if (isCommand(plan)) {
      if (plan.output().isEmpty() && plan instanceof Command) {
        // Some commands declare their output only once analysed (DESCRIBE FUNCTION becomes
        // DescribeFunctionCommand, whose output is function_desc). Analysis runs nothing.
        LogicalPlan analysed = analysedCommand(session, plan);
        if (analysed != null && !analysed.output().isEmpty()) {
          plan = analysed;
        }
      }
      StatementText.Spark text = new StatementText.Spark(sql);
      if (plan.output().isEmpty()) {
        return new Analysis(new AnalyzedStatement(text, StatementKind.UPDATE, new StructType(),
            parameterTypes, List.of()), null);
      }
      StructType schema = DataTypeUtils$.MODULE$.fromAttributes(plan.output());
      return new Analysis(new AnalyzedStatement(text, StatementKind.QUERY, schema,
          parameterTypes, List.of()), null);
    }
    Dataset<Row> analysed = markers == 0 ? session.sql(sql)
        : session.sql(sql, ParameterTypes.nulls(markers));
    return new Analysis(new AnalyzedStatement(new StatementText.Spark(sql), StatementKind.QUERY,
        analysed.schema(), parameterTypes, List.of()), markers == 0 ? analysed : null);
  }

  /**
   * The command analysed (Spark's analyzer only: commands run later, in
   * {@code QueryExecution}'s eager execution), or null when analysis fails: the statement then
   * reports Spark's error when it runs, as any update does.
   */
  private static LogicalPlan analysedCommand(SparkSession session, LogicalPlan command) {
    try {
      return session.sessionState().analyzer().execute(command);
    } catch (Exception e) { // AnalysisException is a checked exception in Java's terms
      return null;
    }
  }

  /** Whether Spark executes this parsed plan eagerly in {@code SparkSession.sql}. */
  static boolean isCommand(LogicalPlan plan) {
    return plan instanceof Command || plan instanceof InsertIntoStatement
        || plan instanceof ParsedStatement;
  }
}
