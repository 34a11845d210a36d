package io.libra.operation;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.PosParameter;
import org.apache.spark.sql.catalyst.analysis.PosParameterizedQuery;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.V2WriteCommand;
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
 *       ({@code l_orderkey = ?} → BIGINT, {@code ? + 1} → INT); each marker gets its own NULL
 *       object, so its cast is found by identity;</li>
 *   <li>{@code INSERT … VALUES (?, …)}: the target column types, by position;</li>
 *   <li>a marker with no cast ({@code SELECT ? AS s}, a string comparison) is STRING, which Spark
 *       casts implicitly where it is used.</li>
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
    PlanWalker.walk(parsed, e -> {
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
    List<DataType> types = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      types.add(DataTypes.StringType);
    }
    if (n == 0) {
      return types;
    }
    // One distinct NULL literal object per marker: the analyzer keeps leaf objects when it wraps
    // them in a Cast, so each cast is traced back to its marker by identity.
    List<Expression> args = new ArrayList<>();
    java.util.IdentityHashMap<Expression, Integer> markerOf = new java.util.IdentityHashMap<>();
    for (int i = 0; i < n; i++) {
      Literal placeholder = new Literal(null, NullType$.MODULE$);
      args.add(placeholder);
      markerOf.put(placeholder, i);
    }
    LogicalPlan analyzed;
    try {
      analyzed = session.sessionState().executePlan(new PosParameterizedQuery(parsed,
          CollectionConverters.asScala(args).toList()), CommandExecutionMode$.MODULE$.SKIP())
          .analyzed();
    } catch (RuntimeException e) {
      return types;
    }
    if (parsed instanceof InsertIntoStatement insert
        && insert.query() instanceof UnresolvedInlineTable values) {
      List<DataType> columns = writeQueryTypes(analyzed);
      if (columns != null) {
        List<Integer> offsets = positions(parsed);
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
    PlanWalker.walk(analyzed, e -> {
      if (e instanceof Cast c) {
        Integer marker = markerOf.get(c.child());
        if (marker != null) {
          types.set(marker, c.dataType());
        }
      }
    });
    return types;
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
}
