package io.libra.engine;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.plans.logical.CreateTable;
import org.apache.spark.sql.catalyst.plans.logical.CreateTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ReplaceTable;
import org.apache.spark.sql.catalyst.plans.logical.ReplaceTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.TableSpecBase;
import org.apache.spark.sql.execution.command.AddArchivesCommand;
import org.apache.spark.sql.execution.command.AddFilesCommand;
import org.apache.spark.sql.execution.command.AddJarsCommand;
import org.apache.spark.sql.execution.command.AlterTableSetLocationCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableCommand;
import org.apache.spark.sql.execution.command.CreateFunctionCommand;
import org.apache.spark.sql.execution.command.CreateTableCommand;
import org.apache.spark.sql.execution.command.CreateTableLikeCommand;
import org.apache.spark.sql.execution.command.InsertIntoDataSourceDirCommand;
import org.apache.spark.sql.execution.command.LoadDataCommand;
import org.apache.spark.sql.execution.datasources.CreateTempViewUsing;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.execution.datasources.v2.FileTable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Keeps SQL from reaching the gateway host's files for sessions of users without the
 * {@code files} role ({@code libra.auth.roles-file}): the Spark driver runs in the gateway JVM, so
 * a path in SQL is a path on the gateway (or its cluster's file system) with the gateway's rights.
 *
 * <p>Refused in an analysed plan of such a session (run by {@link SqlGuard}'s check rule, so also
 * inside views, {@code EXECUTE IMMEDIATE} and CTAS/INSERT queries):
 * <ul>
 *   <li>a query over a path instead of a table ({@code SELECT * FROM parquet.`/path`},
 *       {@code spark.sql.runSQLOnFiles}): a file relation without a catalog table (and a write to
 *       a path without a table, which Spark SQL itself does not offer, for defence in depth);</li>
 *   <li>{@code CREATE TABLE … LOCATION '/path'} or {@code OPTIONS (path …)} (also CTAS, REPLACE,
 *       {@code CREATE TABLE … LIKE … LOCATION}), {@code ALTER TABLE … SET LOCATION},
 *       {@code CREATE TEMPORARY VIEW … USING};</li>
 *   <li>{@code INSERT OVERWRITE [LOCAL] DIRECTORY}, {@code LOAD DATA [LOCAL] INPATH};</li>
 *   <li>{@code ADD JAR | FILE | ARCHIVE} and {@code CREATE FUNCTION … USING JAR} (code loaded
 *       into the gateway JVM).</li>
 * </ul>
 * Managed tables (no LOCATION) stay allowed: their files live in the warehouse directory.
 * A refusal is a {@link SecurityException} (Flight UNAUTHORIZED) naming the user, the statement
 * and the role.
 */
public final class FileAccessGuard {
  /** The role ({@code roles.properties}) whose users may use paths in SQL. */
  public static final String ROLE = io.libra.jobs.UserRoles.FILES;

  /** Sessions denied file access, with their user's name (weak keys: ended sessions drop out). */
  private static final Map<SparkSession, String> DENIED =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Set while the gateway itself reads or writes its own paths on a user's session. */
  private static final ThreadLocal<Boolean> GATEWAY_WORK = ThreadLocal.withInitial(() -> false);

  private FileAccessGuard() {}

  /**
   * Runs {@code work} on the calling thread with paths allowed: the gateway's own use of paths it
   * chose (bulk ingest's staging directory under the warehouse), never SQL a client sent. The
   * check runs during analysis, on the thread that builds the Dataset.
   */
  public static <T> T asGateway(Callable<T> work) throws Exception {
    boolean before = GATEWAY_WORK.get();
    GATEWAY_WORK.set(true);
    try {
      return work.call();
    } finally {
      GATEWAY_WORK.set(before);
    }
  }

  /** Whether the calling thread is in {@link #asGateway} (the gateway's own work on a session). */
  static boolean isGatewayWork() {
    return GATEWAY_WORK.get();
  }

  /** From now on, refuses file access in {@code session}'s statements ({@code user}: its user). */
  public static void deny(SparkSession session, String user) {
    DENIED.put(session, user);
  }

  /**
   * @throws SecurityException when {@code session} is denied file access and {@code plan} (one
   *     node; the caller walks the tree) uses a path
   */
  static void check(SparkSession session, LogicalPlan plan) {
    String user = DENIED.get(session);
    if (user == null || GATEWAY_WORK.get()) {
      return;
    }
    String what = pathUse(session, plan);
    if (what != null) {
      throw new SecurityException("user '" + user + "' may not use server paths in SQL (" + what
          + "); that needs the '" + ROLE + "' role (libra.auth.roles-file)");
    }
  }

  /** What in this one plan node reaches files by path, or null. */
  static String pathUse(SparkSession session, LogicalPlan plan) {
    if (plan instanceof LogicalRelation r && r.relation() instanceof HadoopFsRelation
        && r.catalogTable().isEmpty()) {
      return "a query over a path";
    }
    if (plan instanceof DataSourceV2Relation r && r.table() instanceof FileTable
        && r.identifier().isEmpty()) {
      return "a query over a path";
    }
    if (plan instanceof InsertIntoHadoopFsRelationCommand w && w.catalogTable().isEmpty()
        && !inWarehouse(session, w)) {
      // Spark SQL writes to a path without a table only inside CREATE TABLE ... AS SELECT, into
      // the new managed table's directory in the warehouse.
      return "a write to a path";
    }
    if (plan instanceof AddJarsCommand || plan instanceof AddFilesCommand
        || plan instanceof AddArchivesCommand) {
      return "ADD JAR/FILE/ARCHIVE";
    }
    if (plan instanceof CreateFunctionCommand f && !f.resources().isEmpty()) {
      return "CREATE FUNCTION ... USING a resource";
    }
    if (plan instanceof InsertIntoDir || plan instanceof InsertIntoDataSourceDirCommand
        || plan.getClass().getSimpleName().equals("InsertIntoHiveDirCommand")) {
      return "INSERT OVERWRITE DIRECTORY";
    }
    if (plan instanceof LoadDataCommand) {
      return "LOAD DATA";
    }
    if (plan instanceof AlterTableSetLocationCommand) {
      return "ALTER TABLE ... SET LOCATION";
    }
    if (plan instanceof CreateTempViewUsing) {
      return "CREATE TEMPORARY VIEW ... USING";
    }
    if (plan instanceof CreateTableLikeCommand c && c.fileFormat().locationUri().isDefined()) {
      return "CREATE TABLE ... LOCATION";
    }
    CatalogTable table = plan instanceof CreateDataSourceTableCommand c ? c.table()
        : plan instanceof CreateDataSourceTableAsSelectCommand c ? c.table()
        : plan instanceof CreateTableCommand c ? c.table() : null;
    if (table != null && (table.storage().locationUri().isDefined()
        || table.storage().properties().contains("path"))) {
      return "CREATE TABLE ... LOCATION";
    }
    Object spec = plan instanceof CreateTable c ? c.tableSpec()
        : plan instanceof CreateTableAsSelect c ? c.tableSpec()
        : plan instanceof ReplaceTable c ? c.tableSpec()
        : plan instanceof ReplaceTableAsSelect c ? c.tableSpec() : null;
    if (spec instanceof TableSpecBase s && (s.location().isDefined()
        || CollectionConverters.asJava(s.properties()).containsKey("path")
        || hasPathOption(s))) {
      return "CREATE TABLE ... LOCATION";
    }
    return null;
  }

  private static boolean inWarehouse(SparkSession session, InsertIntoHadoopFsRelationCommand w) {
    return WarehouseLocations.inside(w.outputPath().toUri(),
        new org.apache.hadoop.fs.Path(session.sessionState().conf().warehousePath()).toUri());
  }

  private static boolean hasPathOption(TableSpecBase spec) {
    if (spec instanceof org.apache.spark.sql.catalyst.plans.logical.UnresolvedTableSpec u) {
      return CollectionConverters.asJava(u.optionExpression().options()).stream()
          .anyMatch(o -> o._1().equalsIgnoreCase("path"));
    }
    if (spec instanceof org.apache.spark.sql.catalyst.plans.logical.TableSpec t) {
      return CollectionConverters.asJava(t.options()).keySet().stream()
          .anyMatch(k -> k.equalsIgnoreCase("path"));
    }
    return false;
  }
}
