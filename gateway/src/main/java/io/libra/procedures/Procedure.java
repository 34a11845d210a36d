package io.libra.procedures;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A gateway procedure, called as {@code CALL libra.<name>(…)}: declared parameters, the schema of
 * its result and its body, which returns the result rows.
 */
public record Procedure(String name, List<ProcedureParameter> parameters, StructType schema,
    Body body) {

  /** Who calls: the session's user, its SparkSession and the FAIR pool of this call. */
  public record Caller(String user, SparkSession spark, String pool) {}

  /** What a procedure does. */
  @FunctionalInterface
  public interface Body {
    List<Row> call(Caller caller, ProcedureArguments args) throws Exception;
  }
}
