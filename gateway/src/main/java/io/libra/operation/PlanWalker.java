package io.libra.operation;

import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Visits every expression of a logical plan, depth first: a plan's own expressions (subquery
 * plans included), then its inner children (CTE definitions) and children. Used on parsed plans to
 * find parameter markers and denied functions, and on analysed plans to read parameter types.
 */
final class PlanWalker {
  private PlanWalker() {}

  interface Visitor {
    void visit(Expression e);
  }

  /** Depth-first: a plan's own expressions, then its inner children and children. */
  static void walk(TreeNode<?> node, Visitor v) {
    if (node instanceof LogicalPlan plan) {
      for (Expression e : CollectionConverters.asJava(plan.expressions())) {
        walkExpression(e, v);
      }
      for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
        if (inner instanceof TreeNode<?> t) {
          walk(t, v);
        }
      }
      for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
        walk(child, v);
      }
    }
  }

  private static void walkExpression(Expression e, Visitor v) {
    v.visit(e);
    if (e instanceof SubqueryExpression s) {
      walk(s.plan(), v);
    }
    for (Expression child : CollectionConverters.asJava(e.children())) {
      walkExpression(child, v);
    }
  }
}
