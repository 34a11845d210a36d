package io.libra.engine;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Planner strategy: a query of constants only, such as {@code SELECT 1} or
 * {@code SELECT 'x' AS a, current_date()} (after Spark's constant folding a
 * {@code Project} of literals over {@code OneRowRelation}), is planned as a
 * {@link LocalTableScanExec} holding that one row instead of Spark's
 * {@code ProjectExec} over a one-partition {@code RDDScanExec}.
 *
 * <p>Why: the row is known on the driver, so the result stream sends it without a Spark job
 * ({@code ArrowResultStream}), which is the bulk of such a query's latency (a job is 10-30 ms on a
 * 2-core machine). Clients send these queries often: connection validation ({@code SELECT 1}),
 * BI tools' probes. Results are the same rows with the same attributes; any expression that is not
 * a literal after optimization (non-deterministic ones such as {@code rand()}, outer references)
 * keeps Spark's plan.
 *
 * <p>Injected with {@link SparkSessionExtensions#injectPlannerStrategy} ({@link Extension}); Spark
 * tries injected strategies before its own.
 */
public final class ConstantRowScan extends SparkStrategy {

  /** Adds the strategy to every session of the Spark session builder it is given to. */
  public static final class Extension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
      extensions.injectPlannerStrategy(
          new AbstractFunction1<org.apache.spark.sql.SparkSession, SparkStrategy>() {
            @Override
            public SparkStrategy apply(org.apache.spark.sql.SparkSession session) {
              return new ConstantRowScan();
            }
          });
      return BoxedUnit.UNIT;
    }
  }

  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (!(plan instanceof Project project) || !(project.child() instanceof OneRowRelation)) {
      return empty();
    }
    List<NamedExpression> list = CollectionConverters.asJava(project.projectList());
    List<Attribute> output = new ArrayList<>(list.size());
    Object[] values = new Object[list.size()];
    for (int i = 0; i < values.length; i++) {
      if (!(list.get(i) instanceof Alias alias) || !(alias.child() instanceof Literal literal)) {
        return empty();
      }
      output.add(alias.toAttribute());
      values[i] = literal.value(); // already Catalyst's internal form (UTF8String, Decimal, ...)
    }
    InternalRow row = new GenericInternalRow(values);
    return seq(List.of(new LocalTableScanExec(seq(output), seq(List.of(row)), Option.empty())));
  }

  private static Seq<SparkPlan> empty() {
    return seq(List.of());
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }
}
