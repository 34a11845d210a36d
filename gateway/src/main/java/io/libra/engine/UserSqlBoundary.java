package io.libra.engine;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.plans.logical.CreateNamespace;
import org.apache.spark.sql.catalyst.plans.logical.CreateTable;
import org.apache.spark.sql.catalyst.plans.logical.CreateTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ReplaceTable;
import org.apache.spark.sql.catalyst.plans.logical.ReplaceTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.SetNamespaceLocation;
import org.apache.spark.sql.catalyst.plans.logical.TableSpecBase;
import org.apache.spark.sql.execution.command.AlterTableAddPartitionCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableCommand;
import org.apache.spark.sql.execution.command.CreateFunctionCommand;
import org.apache.spark.sql.execution.command.CreateTableCommand;
import org.apache.spark.sql.execution.command.DropFunctionCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a user may do in SQL beyond reading and writing managed tables, decided on analysed plans
 * (run by {@link SqlGuard}'s check rule beside {@link FileAccessGuard}, so also inside views and
 * {@code EXECUTE IMMEDIATE}) for the sessions of users registered with {@link #restrict}:
 * <ul>
 *   <li>without the {@code files} role: only the statement kinds of {@link StatementKinds} (an
 *       allow-list of Spark's commands); nothing dropped, truncated or written outside the
 *       warehouse ({@link WarehouseLocations}); tables only of the data source providers in
 *       {@code libra.sql.allowed-providers} (an allow-list; {@code jdbc} and every other provider
 *       reach other systems — such as the gateway's own Derby databases — or load classes);
 *       no {@code LOCATION} for databases ({@code CREATE DATABASE … LOCATION},
 *       {@code ALTER DATABASE … SET LOCATION}) or partitions ({@code ADD PARTITION … LOCATION});
 *       {@code SET} only of the Spark settings in {@code libra.sql.user-settable-conf} (an
 *       allow-list; never {@code spark.sql.catalog.*}, the warehouse, {@code spark.hadoop.*}), reading
 *       and {@code RESET} stay open;</li>
 *   <li>for every user: tables, views and databases of others unchanged ({@link TableOwners});</li>
 *   <li>without the {@code admin} role: no {@code CREATE [TEMPORARY] FUNCTION … AS 'class'} (a
 *       class loaded into the gateway JVM, such as Hive's {@code GenericUDFReflect}) and no
 *       {@code DROP FUNCTION} of a permanent function.</li>
 * </ul>
 * A refusal is a {@link SecurityException} (Flight UNAUTHORIZED) naming the user, what was
 * refused and the role or setting that allows it.
 */
public final class UserSqlBoundary {
  /** The settings a user may change by default ({@code libra.sql.user-settable-conf}). */
  public static final String DEFAULT_SETTABLE = "spark.sql.shuffle.partitions,"
      + "spark.sql.session.timeZone,spark.sql.ansi.enabled,spark.sql.adaptive.enabled,"
      + "spark.sql.adaptive.coalescePartitions.*,spark.sql.adaptive.advisoryPartitionSizeInBytes,"
      + "spark.sql.adaptive.skewJoin.*,spark.sql.adaptive.localShuffleReader.enabled,"
      + "spark.sql.adaptive.autoBroadcastJoinThreshold,"
      + "spark.sql.autoBroadcastJoinThreshold,spark.sql.files.maxPartitionBytes,"
      + "spark.sql.files.openCostInBytes,spark.sql.caseSensitive,spark.sql.legacy.timeParserPolicy,"
      + "spark.sql.datetime.java8API.enabled,spark.sql.cbo.*,spark.sql.join.preferSortMergeJoin,"
      + "spark.sql.parquet.compression.codec,spark.sql.orc.compression.codec,"
      + "spark.sql.sources.partitionOverwriteMode,spark.sql.storeAssignmentPolicy,"
      + "spark.sql.crossJoin.enabled,spark.sql.optimizer.excludedRules,spark.sql.timestampType,"
      + "libra.statement_timeout";
  /** The providers of managed tables a user may create by default. */
  public static final String DEFAULT_PROVIDERS = "parquet,orc,csv,json,text,avro";

  private record Rights(String user, boolean files, boolean admin, UserSqlBoundary boundary) {}

  private static final Map<SparkSession, Rights> RESTRICTED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final Set<String> providers;
  private final List<String> settable;
  private final Predicate<String> hasFiles;
  private final Predicate<String> isAdmin;
  private final boolean privateByDefault;

  /**
   * @param providers {@code libra.sql.allowed-providers}, lower case
   * @param settable {@code libra.sql.user-settable-conf}: keys, or prefixes ending in {@code *}
   * @param hasFiles whether a user has the {@code files} role
   * @param isAdmin whether a user has the {@code admin} role
   * @param privateByDefault {@code libra.sql.private-by-default}: another user's tables and views
   *     cannot be read either
   */
  public UserSqlBoundary(Set<String> providers, List<String> settable, Predicate<String> hasFiles,
      Predicate<String> isAdmin, boolean privateByDefault) {
    this.privateByDefault = privateByDefault;
    this.providers = Set.copyOf(providers);
    this.settable = List.copyOf(settable);
    this.hasFiles = hasFiles;
    this.isAdmin = isAdmin;
  }

  /**
   * Applies this boundary to {@code session}, a session of {@code user}. (Variable substitution
   * is off in SparkConf, {@code SparkEngine}, and no user may turn it on.)
   */
  public void restrict(SparkSession session, String user) {
    RESTRICTED.put(session, new Rights(user, hasFiles.test(user), isAdmin.test(user), this));
  }

  /**
   * Before a bulk ingest writes (it runs past the SQL boundary, as the gateway's own work): for a
   * user without {@code files}, the target table (and its partitions) or, for a new table, its
   * database must be in the warehouse.
   *
   * @throws SecurityException naming the role otherwise
   */
  public static void requireIngestTarget(SparkSession session,
      org.apache.spark.sql.catalyst.TableIdentifier table, boolean exists) {
    Rights rights = RESTRICTED.get(session);
    if (rights == null || rights.files()) {
      return;
    }
    String outside = WarehouseLocations.ingestTarget(session, table, exists);
    if (outside != null) {
      throw refused(rights, outside + ", outside the warehouse", "the 'files' role");
    }
  }

  /** The user of {@code session} when it is restricted (authentication on), else null. */
  static String userOf(SparkSession session) {
    Rights rights = RESTRICTED.get(session);
    return rights == null ? null : rights.user();
  }

  /** Whether {@code session}'s user has the {@code admin} role (false when unrestricted). */
  public static boolean isAdmin(SparkSession session) {
    Rights rights = RESTRICTED.get(session);
    return rights != null && rights.admin();
  }

  /** Whether {@code session} is restricted (a session of an authenticated user). */
  public static boolean isRestricted(SparkSession session) {
    return RESTRICTED.containsKey(session);
  }

  /** Parses a comma-separated setting into trimmed, lower-cased entries. */
  public static List<String> list(String text) {
    return java.util.Arrays.stream(text.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty()).toList();
  }

  /** @throws SecurityException when {@code plan} (one node) is beyond the session's rights */
  static void check(SparkSession session, LogicalPlan plan) {
    Rights rights = RESTRICTED.get(session);
    if (rights == null || FileAccessGuard.isGatewayWork()) {
      return;
    }
    if (plan instanceof CreateFunctionCommand f && FunctionClasses.denied(f.className())) {
      throw new SecurityException("user '" + rights.user() + "' may not use CREATE FUNCTION"
          + " ... AS '" + f.className() + "': it calls Java methods or reads server files, which"
          + " no role may on this gateway");
    }
    if (!rights.admin() && plan instanceof CreateFunctionCommand) {
      throw refused(rights, "CREATE FUNCTION ... AS a class", "the 'admin' role");
    }
    if (plan instanceof DropFunctionCommand drop && !drop.isTemp() && !rights.admin()) {
      throw refused(rights, "DROP FUNCTION of a permanent function", "the 'admin' role");
    }
    if (plan instanceof SetCommand set && set.kv().isDefined() && set.kv().get()._2().isDefined()
        && set.kv().get()._1().toLowerCase(Locale.ROOT).contains("variable.substitute")) {
      throw new SecurityException("user '" + rights.user() + "' may not SET "
          + set.kv().get()._1() + ": substitution would expose the gateway's environment and JVM"
          + " properties, which no role may");
    }
    if (!rights.files()) {
      checkWithoutFiles(session, plan, rights);
    }
    TableOwners.check(session, plan, rights.user(), rights.admin());
    if (rights.boundary().privateByDefault && !rights.admin()) {
      TableOwners.checkRead(plan, rights.user());
    }
  }

  /** What a user without the {@code files} role is refused. */
  private static void checkWithoutFiles(SparkSession session, LogicalPlan plan, Rights rights) {
    UserSqlBoundary boundary = rights.boundary();
    String command = StatementKinds.refusedWithoutFiles(plan);
    if (command != null) {
      throw refused(rights, "the statement " + command, "the 'files' role");
    }
    String location = locationUse(plan);
    if (location != null) {
      throw refused(rights, location, "the 'files' role");
    }
    String outside = WarehouseLocations.outside(session, plan);
    if (outside != null) {
      throw refused(rights, outside + ", outside the warehouse", "the 'files' role");
    }
    String provider = provider(session, plan);
    if (provider != null && !boundary.providers.contains(provider.toLowerCase(Locale.ROOT))) {
      throw refused(rights, "a table of provider '" + provider + "'",
          "the 'files' role or libra.sql.allowed-providers");
    }
    if (plan instanceof SetCommand set && set.kv().isDefined()) {
      Tuple2<String, Option<String>> kv = set.kv().get();
      if (kv._2().isDefined() && !boundary.settable(kv._1())) {
        throw refused(rights, "SET " + kv._1(), "libra.sql.user-settable-conf");
      }
    }
  }

  private boolean settable(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    if (k.contains("class") || k.contains("variable.substitute")) {
      return false; // settings that load classes, or expose the environment: never for users
    }
    for (String s : settable) {
      if (s.endsWith("*") ? k.startsWith(s.substring(0, s.length() - 1)) : k.equals(s)) {
        return true;
      }
    }
    return false;
  }

  private static String locationUse(LogicalPlan plan) {
    if (plan instanceof CreateNamespace c && c.properties().contains("location")) {
      return "CREATE DATABASE ... LOCATION";
    }
    if (plan instanceof SetNamespaceLocation) {
      return "ALTER DATABASE ... SET LOCATION";
    }
    if (plan instanceof AlterTableAddPartitionCommand c) {
      for (Tuple2<?, Option<String>> p : CollectionConverters.asJava(c.partitionSpecsAndLocs())) {
        if (p._2().isDefined()) {
          return "ALTER TABLE ... ADD PARTITION ... LOCATION";
        }
      }
    }
    return null;
  }

  /** The provider of a table this node creates (the session's default when none is named). */
  private static String provider(SparkSession session, LogicalPlan plan) {
    CatalogTable table = plan instanceof CreateDataSourceTableCommand c ? c.table()
        : plan instanceof CreateDataSourceTableAsSelectCommand c ? c.table()
        : plan instanceof CreateTableCommand c ? c.table() : null;
    Option<String> named = null;
    if (table != null) {
      named = table.provider();
    }
    Object spec = plan instanceof CreateTable c ? c.tableSpec()
        : plan instanceof CreateTableAsSelect c ? c.tableSpec()
        : plan instanceof ReplaceTable c ? c.tableSpec()
        : plan instanceof ReplaceTableAsSelect c ? c.tableSpec() : null;
    if (spec instanceof TableSpecBase s) {
      named = s.provider();
    }
    if (named == null) {
      return null;
    }
    return named.isDefined() ? named.get()
        : session.sessionState().conf().defaultDataSourceName();
  }

  private static SecurityException refused(Rights rights, String what, String needs) {
    return new SecurityException("user '" + rights.user() + "' may not use " + what
        + " in SQL; that needs " + needs);
  }
}
