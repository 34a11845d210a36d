package io.libra.results;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Sort;

/**
 * Whether a query's result order is its query's: the optimized plan's root, below projections,
 * limits, offsets and aliases (which keep their child's order), is a global {@code Sort}
 * ({@code ORDER BY}). Spark writes such a result range-partitioned, partition order = sort order.
 */
final class TopLevelSort {
  private TopLevelSort() {}

  private static final java.util.Set<String> ORDER_KEEPING = java.util.Set.of(
      "Project", "GlobalLimit", "LocalLimit", "Offset", "SubqueryAlias", "View", "Filter");

  static boolean of(LogicalPlan plan) {
    LogicalPlan p = plan;
    while (ORDER_KEEPING.contains(p.getClass().getSimpleName()) && p.children().size() == 1) {
      p = p.children().head();
    }
    return p instanceof Sort sort && sort.global();
  }
}
