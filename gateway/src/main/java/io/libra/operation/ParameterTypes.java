package io.libra.operation;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.PosParameter;
import org.apache.spark.sql.catalyst.analysis.PosParameterizedQuery;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.V2WriteCommand;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.CommandExecutionMode$;
import org.apache.spark.sql.execution.command.DataWritingCommand;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NullType$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Types of the {@code ?} markers of a statement, derived without executing it — Spark cannot type
 * a marker before it is bound, so Libra asks Spark's own analyzer:
 *
 * <ol>
 *   <li>every marker is bound to an untyped NULL ({@code PosParameterizedQuery}) and the plan is
 *       analysed with commands skipped ({@code CommandExecutionMode.SKIP});</li>
 *   <li>type coercion wraps each such NULL in a {@code Cast} to the type its context needs
 *       ({@code l_orderkey = ?} → BIGINT, {@code ? + 1} → INT), or retypes the NULL literal itself
 *       ({@code l_returnflag = ?} → STRING); when exactly one such NULL per marker is found they are
 *       taken in plan order (which is text order for the usual shapes);</li>
 *   <li>{@code INSERT … VALUES (?, …)}: the target column types, by position;</li>
 *   <li>anything else is STRING, which Spark casts implicitly where it is used.</li>
 * </ol>
 */
public final class ParameterTypes {
  private ParameterTypes() {}

  /** Number of positional markers ({@code ?}) in a parsed plan. */
  public static int count(LogicalPlan parsed) {
    return positions(parsed).size();
  }

  /**
   * Text offsets of the markers, sorted: {@code PosParameter.pos} is the marker's offset in the
   * SQL text and Spark binds argument i to the i-th marker in text order.
   */
  private static List<Integer> positions(LogicalPlan parsed) {
    java.util.TreeSet<Integer> offsets = new java.util.TreeSet<>();
    walk(parsed, e -> {
      if (e instanceof PosParameter p) {
        offsets.add(p.pos());
      }
    });
    return new ArrayList<>(offsets);
  }

  /** Binds {@code n} untyped NULLs, for analysis. */
  public static Object[] nulls(int n) {
    return new Object[n];
  }

  /** The inferred type of each marker, in marker order. */
  public static List<DataType> infer(SparkSession session, LogicalPlan parsed, int n) {
    List<DataType> fallback = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fallback.add(DataTypes.StringType);
    }
    if (n == 0) {
      return fallback;
    }
    List<Expression> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      args.add(Literal.create(null, NullType$.MODULE$));
    }
    LogicalPlan analyzed;
    try {
      analyzed = session.sessionState().executePlan(new PosParameterizedQuery(parsed,
          CollectionConverters.asScala(args).toList()), CommandExecutionMode$.MODULE$.SKIP())
          .analyzed();
    } catch (RuntimeException e) {
      return fallback;
    }
    if (parsed instanceof InsertIntoStatement insert
        && insert.query() instanceof UnresolvedInlineTable values) {
      List<DataType> columns = writeQueryTypes(analyzed);
      if (columns != null) {
        List<Integer> offsets = positions(parsed);
        List<DataType> types = new ArrayList<>(fallback);
        for (var row : CollectionConverters.asJava(values.rows())) {
          List<Expression> cells = CollectionConverters.asJava(row);
          for (int c = 0; c < cells.size() && c < columns.size(); c++) {
            if (cells.get(c) instanceof PosParameter p) {
              types.set(offsets.indexOf(p.pos()), columns.get(c));
            }
          }
        }
        return types;
      }
    }
    // Plan order equals text order for the usual shapes (SELECT list before WHERE, left to right).
    List<DataType> casts = new ArrayList<>();
    boolean[] parentIsCast = {false};
    walk(analyzed, e -> {
      if (e instanceof Cast c && c.child() instanceof Literal l && l.value() == null
          && l.dataType() instanceof NullType) {
        casts.add(c.dataType());
      } else if (e instanceof Literal l && l.value() == null && !(l.dataType() instanceof NullType)
          && !(parentIsCast[0])) {
        // Some coercion rules retype the NULL itself (string comparisons do).
        casts.add(l.dataType());
      }
      parentIsCast[0] = e instanceof Cast;
    });
    return casts.size() == n ? casts : fallback;
  }

  private static List<DataType> writeQueryTypes(LogicalPlan analyzed) {
    LogicalPlan query = null;
    if (analyzed instanceof DataWritingCommand dw) {
      query = dw.query();
    } else if (analyzed instanceof V2WriteCommand v2) {
      query = v2.query();
    }
    if (query == null) {
      return null;
    }
    List<DataType> types = new ArrayList<>();
    CollectionConverters.asJava(query.output()).forEach(a -> types.add(a.dataType()));
    return types;
  }

  private interface Visitor {
    void visit(Expression e);
  }

  /** Depth-first: a plan's own expressions, then its inner children and children. */
  private static void walk(TreeNode<?> node, Visitor v) {
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
