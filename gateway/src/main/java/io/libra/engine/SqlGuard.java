package io.libra.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import scala.Function1;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The one place SQL functions are refused: a Spark analyzer check rule
 * ({@code SparkSessionExtensions.injectCheckRule}) refusing every function named in the session's
 * denied set — by default what runs arbitrary code in the gateway JVM or its host:
 * {@code reflect}/{@code java_method}/{@code try_reflect} (any static Java method; denying one of
 * them denies all three, they are one expression) and {@code TRANSFORM … USING 'cmd'} (an OS
 * command, named {@code transform}). The set of a client session is
 * {@code libra.sql.denied-functions}, registered with {@link #deny} when the session is created;
 * other sessions (the root session, jobs run in the gateway) use {@value #CONF} (SparkConf, fixed
 * when Spark starts). Neither can be lifted by a session's {@code SET}.
 *
 * <p>Being a check rule it sees every analysed plan — the statements inside {@code EXECUTE
 * IMMEDIATE}, SQL function bodies, the queries of CTAS and INSERT — which a check of the parsed
 * text cannot. A refusal is an {@link IllegalArgumentException} (INVALID_ARGUMENT) naming the
 * function and the setting.
 */
public final class SqlGuard {
  /** SparkConf key: comma-separated lower-case names; "transform" stands for TRANSFORM USING. */
  public static final String CONF = "spark.libra.sql.denied-functions";
  public static final String DEFAULT = "reflect,java_method,try_reflect,transform,xpath,"
      + "xpath_boolean,xpath_double,xpath_float,xpath_int,xpath_long,xpath_number,xpath_short,"
      + "xpath_string";
  private static final Set<String> REFLECTION = Set.of("reflect", "java_method", "try_reflect");

  private static final java.util.Map<SparkSession, Set<String>> SESSIONS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private SqlGuard() {}

  /** Refuses {@code functions} (lower-case names) in every statement {@code session} analyses. */
  public static void deny(SparkSession session, Set<String> functions) {
    SESSIONS.put(session, Set.copyOf(functions));
  }

  /** For {@code SparkSession.Builder.withExtensions}. */
  public static final class Extension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
      extensions.injectPostHocResolutionRule(new AbstractFunction1<SparkSession,
          org.apache.spark.sql.catalyst.rules.Rule<LogicalPlan>>() {
        @Override
        public org.apache.spark.sql.catalyst.rules.Rule<LogicalPlan> apply(SparkSession session) {
          return new TableOwners.Rule(session);
        }
      });
      extensions.injectCheckRule(new AbstractFunction1<SparkSession,
          Function1<LogicalPlan, BoxedUnit>>() {
        @Override
        public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
          Set<String> fallback = parse(session.sparkContext().getConf().get(CONF, DEFAULT));
          return new AbstractFunction1<LogicalPlan, BoxedUnit>() {
            @Override
            public BoxedUnit apply(LogicalPlan plan) {
              check(session, plan, SESSIONS.getOrDefault(session, fallback));
              return BoxedUnit.UNIT;
            }
          };
        }
      });
      return BoxedUnit.UNIT;
    }
  }

  static Set<String> parse(String list) {
    return Arrays.stream(list.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Walks the plan: denied functions, paths in SQL ({@link FileAccessGuard}), the user's rights
   * ({@link UserSqlBoundary}) and embedded Derby URLs ({@link EmbeddedDatabases}).
   */
  static void check(SparkSession session, LogicalPlan plan, Set<String> denied) {
    FileAccessGuard.check(session, plan);
    UserSqlBoundary.check(session, plan);
    EmbeddedDatabases.check(plan);
    if (plan instanceof ScriptTransformation && denied.contains("transform")) {
      throw refused("TRANSFORM ... USING (runs an OS command)");
    }
    for (Expression e : CollectionConverters.asJava(plan.expressions())) {
      check(session, e, denied);
    }
    for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
      if (inner instanceof LogicalPlan p) {
        check(session, p, denied);
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      check(session, child, denied);
    }
  }

  private static void check(SparkSession session, Expression e, Set<String> denied) {
    String name = e.prettyName().toLowerCase(Locale.ROOT);
    if (e instanceof CallMethodViaReflection) {
      if (denied.contains(name) || REFLECTION.stream().anyMatch(denied::contains)) {
        throw refused("function '" + name + "'");
      }
    } else if (!denied.isEmpty() && denied.contains(name)
        // "transform" stands for TRANSFORM ... USING, not the higher-order array function
        && !(name.equals("transform")
            && e instanceof org.apache.spark.sql.catalyst.expressions.ArrayTransform)) {
      throw refused("function '" + name + "'");
    }
    String hive = FunctionClasses.hiveClass(e);
    if (hive != null && FunctionClasses.denied(hive)) {
      throw new IllegalArgumentException("function '" + name + "' (class " + hive
          + ") calls Java methods or reads server files and is disabled on this gateway");
    }
    if (e instanceof SubqueryExpression s) {
      check(session, s.plan(), denied);
    }
    for (Expression child : CollectionConverters.asJava(e.children())) {
      check(session, child, denied);
    }
  }

  private static IllegalArgumentException refused(String what) {
    return new IllegalArgumentException(what + " is disabled on this gateway"
        + " (libra.sql.denied-functions)");
  }
}
