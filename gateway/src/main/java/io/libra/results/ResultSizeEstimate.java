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
 * alone while emitting more rows — has no trusted estimate; nor has a plan with a leaf Spark
 * estimates at {@code spark.sql.defaultSizeInBytes} (a relation without statistics).
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
      if (!bounded(plan) || !leavesKnown(plan,
          qe.sparkSession().sessionState().conf().defaultSizeInBytes())) {
        return -1;
      }
      scala.math.BigInt size = plan.stats().sizeInBytes();
      return size.isValidLong() ? size.longValue() : Long.MAX_VALUE;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Whether every leaf has statistics: a relation without them (a DataSource V2 scan that reports
   * none, …) is estimated at {@code spark.sql.defaultSizeInBytes}, which says nothing.
   */
  private static boolean leavesKnown(LogicalPlan plan, long unknown) {
    if (plan.children().isEmpty()) {
      scala.math.BigInt size = plan.stats().sizeInBytes();
      return size.isValidLong() && size.longValue() < unknown;
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      if (!leavesKnown(child, unknown)) {
        return false;
      }
    }
    return true;
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
