package io.libra.results;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Finds a plan whose rows come straight from a columnar operator — a file scan read by Spark's
 * vectorized Parquet or ORC reader, as in {@code SELECT * FROM t} or {@code SELECT a, b FROM t}:
 * {@code [WholeStageCodegen] ColumnarToRow [InputAdapter] <columnar plan>} — so that its column
 * batches ({@code SparkPlan.executeColumnar}) can be written to Arrow without first being turned
 * into {@code UnsafeRow}s: {@link DirectArrowWriter#ofBatches} copies them column by column.
 */
final class ColumnarSource {
  private ColumnarSource() {}

  /**
   * The columnar child's batches, or null when the plan is not of that shape or its output does not
   * match {@code schema} column for column (types).
   */
  static RDD<ColumnarBatch> batches(SparkPlan plan, StructType schema) {
    SparkPlan p = plan instanceof WholeStageCodegenExec w ? w.child() : plan;
    if (!(p instanceof ColumnarToRowExec c)) {
      return null;
    }
    SparkPlan child = c.child() instanceof InputAdapter a ? a.child() : c.child();
    if (!child.supportsColumnar()) {
      return null;
    }
    java.util.List<Attribute> output = CollectionConverters.asJava(child.output());
    if (output.size() != schema.size()) {
      return null;
    }
    for (int i = 0; i < output.size(); i++) {
      if (!output.get(i).dataType().sameType(schema.fields()[i].dataType())) {
        return null;
      }
    }
    return child.executeColumnar();
  }
}
