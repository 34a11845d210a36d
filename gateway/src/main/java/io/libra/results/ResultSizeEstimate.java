package io.libra.results;

import java.util.Set;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.QueryExecution;
import scala.jdk.javaapi.CollectionConverters;

/**
 * An upper estimate of a query result's size in bytes, from Spark's logical plan statistics
 * ({@code LogicalPlan.stats().sizeInBytes()} of the optimized plan), trusted only when every node
 * of the plan is one whose estimate does not grow with more output rows than its input can give:
 * scans, projections, filters, aggregates, sorts, limits, joins (estimated at the product of their
 * inputs), unions, windows and the like. A plan with any other node — {@code Generate}
 * ({@code explode}), Python or Scala map functions, anything Spark estimates by its child's size
 * alone while emitting more rows — has no trusted estimate.
 */
final class ResultSizeEstimate {
  private ResultSizeEstimate() {}

  /** Simple class names of the logical plan nodes whose size estimate is an upper bound. */
  private static final Set<String> BOUNDED = Set.of(
      "Project", "Filter", "Aggregate", "Sort", "GlobalLimit", "LocalLimit", "Offset", "Tail",
      "Range", "LocalRelation", "OneRowRelation", "LogicalRelation", "HiveTableRelation",
      "DataSourceV2Relation", "DataSourceV2ScanRelation", "InMemoryRelation", "Join", "Union",
      "Deduplicate", "Distinct", "Intersect", "Except", "SubqueryAlias", "View", "Window",
      "Expand", "Repartition", "RepartitionByExpression", "RebalancePartitions", "Sample",
      "ResolvedHint", "WithCTE", "CTERelationDef", "CTERelationRef");

  /** The estimate in bytes, or -1 when the plan has a node whose estimate is not a bound. */
  static long bytes(QueryExecution qe) {
    try {
      LogicalPlan plan = qe.optimizedPlan();
      if (!bounded(plan)) {
        return -1;
      }
      scala.math.BigInt size = plan.stats().sizeInBytes();
      return size.isValidLong() ? size.longValue() : Long.MAX_VALUE;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static boolean bounded(LogicalPlan plan) {
    if (!BOUNDED.contains(plan.getClass().getSimpleName())) {
      return false;
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      if (!bounded(child)) {
        return false;
      }
    }
    return true;
  }
}
