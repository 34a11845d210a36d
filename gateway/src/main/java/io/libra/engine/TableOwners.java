package io.libra.engine;

import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.CreateNamespace;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableCommand;
import org.apache.spark.sql.execution.command.CreateTableCommand;
import org.apache.spark.sql.execution.command.CreateTableLikeCommand;
import org.apache.spark.sql.execution.command.CreateViewCommand;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import org.apache.spark.sql.hive.execution.CreateHiveTableAsSelectCommand;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Owners of tables, views and databases, for sessions of authenticated users: what a user creates
 * through Libra records its owner in the table's or database's properties
 * ({@value #PROPERTY}, written by {@link Rule}, an analyzer rule that runs on every create); a
 * statement that changes an existing one — {@code DROP}, {@code ALTER} (also rename, partitions,
 * properties, {@code CREATE OR REPLACE VIEW}), {@code TRUNCATE}, {@code INSERT}, {@code MSCK},
 * {@code ANALYZE} — runs only for its owner or an {@code admin}; others get PERMISSION_DENIED
 * naming the owner. One without the property (the TPC-H sample, what the gateway itself made,
 * anything made before owners were recorded) belongs to the gateway: admins only. Reading stays
 * open. {@value #PROPERTY} itself is set only by this rule: a user's {@code SET TBLPROPERTIES} or
 * {@code UNSET} of it needs {@code admin}. Bulk ingest checks the same owner before
 * {@code append}/{@code replace} ({@link #requireMayChange}).
 */
public final class TableOwners {
  /** The table or database property holding the owner's user name. */
  public static final String PROPERTY = "libra.owner";

  private TableOwners() {}

  /**
   * The analyzer rule ({@code injectPostHocResolutionRule}) that writes the session user as owner
   * into every table, view and database its statements create (authenticated sessions only).
   */
  public static final class Rule
      extends org.apache.spark.sql.catalyst.rules.Rule<LogicalPlan> {
    private final SparkSession session;

    public Rule(SparkSession session) {
      this.session = session;
    }

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
      String user = UserSqlBoundary.userOf(session);
      return user == null ? plan : owned(plan, user);
    }
  }

  /** {@code plan} with {@code user} as the owner of what it creates (the plan itself if nothing). */
  static LogicalPlan owned(LogicalPlan plan, String user) {
    if (plan instanceof CreateDataSourceTableCommand c) {
      return new CreateDataSourceTableCommand(owned(c.table(), user), c.ignoreIfExists());
    }
    if (plan instanceof CreateDataSourceTableAsSelectCommand c) {
      return new CreateDataSourceTableAsSelectCommand(owned(c.table(), user), c.mode(), c.query(),
          c.outputColumnNames());
    }
    if (plan instanceof CreateTableCommand c) {
      return new CreateTableCommand(owned(c.table(), user), c.ignoreIfExists());
    }
    if (plan instanceof CreateHiveTableAsSelectCommand c) {
      return new CreateHiveTableAsSelectCommand(owned(c.tableDesc(), user), c.query(),
          c.outputColumnNames(), c.mode());
    }
    if (plan instanceof CreateTableLikeCommand c) {
      return new CreateTableLikeCommand(c.targetTable(), c.sourceTable(), c.fileFormat(),
          c.provider(), with(c.properties(), user), c.ifNotExists());
    }
    if (plan instanceof CreateViewCommand c && c.viewType()
        == org.apache.spark.sql.catalyst.analysis.PersistedView$.MODULE$) {
      return new CreateViewCommand(c.name(), c.userSpecifiedColumns(), c.comment(),
          c.collation(), with(c.properties(), user), c.originalText(), c.plan(),
          c.allowExisting(), c.replace(), c.viewType(), c.viewSchemaMode(), c.isAnalyzed(),
          c.referredTempFunctions());
    }
    if (plan instanceof CreateNamespace c) {
      return new CreateNamespace(c.name(), c.ifNotExists(), with(c.properties(), user));
    }
    return plan;
  }

  private static scala.collection.immutable.Map<String, String> with(
      scala.collection.immutable.Map<String, String> properties, String user) {
    return properties.updated(PROPERTY, user);
  }

  private static CatalogTable owned(CatalogTable t, String user) {
    return t.copy(t.identifier(), t.tableType(), t.storage(), t.schema(), t.provider(),
        t.partitionColumnNames(), t.bucketSpec(), t.owner(), t.createTime(), t.lastAccessTime(),
        t.createVersion(), with(t.properties(), user), t.stats(), t.viewText(), t.comment(),
        t.collation(), t.unsupportedFeatures(), t.tracksPartitionsInCatalog(),
        t.schemaPreservesCase(), t.ignoredProperties(), t.viewOriginalText());
  }

  /** Commands that change an existing table or view (v1 and v2 names), checked for its owner. */
  private static final java.util.Set<String> CHANGES_TABLE = java.util.Set.of(
      "DropTableCommand", "DropTable", "DropView", "TruncateTableCommand", "TruncateTable",
      "TruncatePartition", "AlterTableAddColumnsCommand", "AddColumns",
      "AlterTableChangeColumnCommand", "AlterColumns", "DropColumns", "RenameColumn",
      "ReplaceColumns", "AlterTableRenameCommand", "RenameTable", "AlterTableSetPropertiesCommand",
      "SetTableProperties", "AlterTableUnsetPropertiesCommand", "UnsetTableProperties",
      "SetViewProperties", "UnsetViewProperties", "AlterTableAddPartitionCommand",
      "AddPartitions", "AlterTableDropPartitionCommand", "DropPartitions",
      "AlterTableRenamePartitionCommand", "RenamePartitions", "RepairTableCommand", "RepairTable",
      "RecoverPartitions", "AlterTableSerDePropertiesCommand", "AlterTableSetLocationCommand",
      "AlterViewAsCommand", "AlterViewAs", "AlterViewSchemaBindingCommand",
      "AlterViewSchemaBinding", "AlterTableClusterBy", "AlterTableCollation", "CommentOnTable",
      "AnalyzeTableCommand", "AnalyzeColumnCommand", "AnalyzePartitionCommand", "AnalyzeTable",
      "AnalyzeColumn", "InsertIntoHiveTable", "DeleteFromTable", "UpdateTable", "MergeIntoTable");
  /** Commands that set or unset table, view or database properties. */
  private static final java.util.Set<String> SETS_PROPERTIES = java.util.Set.of(
      "AlterTableSetPropertiesCommand", "SetTableProperties", "AlterTableUnsetPropertiesCommand",
      "UnsetTableProperties", "SetViewProperties", "UnsetViewProperties",
      "AlterDatabasePropertiesCommand", "SetNamespaceProperties",
      "UnsetNamespacePropertiesCommand");
  /** Commands that change an existing database. */
  private static final java.util.Set<String> CHANGES_DATABASE = java.util.Set.of(
      "DropDatabaseCommand", "DropNamespace", "AlterDatabasePropertiesCommand",
      "SetNamespaceProperties", "UnsetNamespacePropertiesCommand", "AlterDatabaseSetLocationCommand",
      "SetNamespaceLocation", "CommentOnNamespace");

  /**
   * @throws SecurityException when {@code plan} (one node) changes a table, view or database
   *     that is not {@code user}'s and {@code admin} is false, or sets {@value #PROPERTY}
   */
  static void check(SparkSession session, LogicalPlan plan, String user, boolean admin) {
    if (admin || !(plan instanceof Command)) {
      return;
    }
    String kind = plan.getClass().getSimpleName();
    SessionCatalog catalog = session.sessionState().catalog();
    if (SETS_PROPERTIES.contains(kind)) {
      if (String.valueOf(plan.productIterator().toList()).contains(PROPERTY)) {
        throw new SecurityException("user '" + user + "' may not set " + PROPERTY
            + "; that needs the 'admin' role");
      }
    }
    if (plan instanceof CreateViewCommand v && v.replace() && catalog.tableExists(v.name())) {
      requireMayChange(session, v.name(), user, admin, "CREATE OR REPLACE VIEW");
      return;
    }
    if (plan instanceof InsertIntoHadoopFsRelationCommand w && w.catalogTable().isDefined()) {
      requireOwner(w.catalogTable().get(), user, "INSERT");
      return;
    }
    if (plan instanceof org.apache.spark.sql.hive.execution.InsertIntoHiveTable w) {
      requireOwner(w.table(), user, "INSERT");
      return;
    }
    if (CHANGES_TABLE.contains(kind)) {
      TableIdentifier target = target(plan);
      if (target != null) {
        requireMayChange(session, target, user, admin, statement(kind));
      }
      return;
    }
    if (CHANGES_DATABASE.contains(kind)) {
      String db = database(plan);
      if (db == null || !catalog.databaseExists(db)) {
        return;
      }
      String owner = owner(CollectionConverters.asJava(catalog.getDatabaseMetadata(db)
          .properties()));
      if (!user.equals(owner)) {
        throw denied(user, statement(kind), "database " + db, owner);
      }
      if (kind.startsWith("Drop")) { // CASCADE drops every table in it: they must be the user's too
        for (TableIdentifier t : CollectionConverters.asJava(catalog.listTables(db))) {
          requireMayChange(session, t, user, admin, "DROP DATABASE " + db + " CASCADE");
        }
      }
    }
  }

  /**
   * With {@code libra.sql.private-by-default}: a table or view (one plan node: a relation read, a
   * view expanded) of another user is not read either. Ownerless ones (the gateway's: the TPC-H
   * sample) stay readable. A view is checked with the tables it reads (no definer's rights).
   *
   * @throws SecurityException when {@code plan} reads another user's table or view
   */
  static void checkRead(LogicalPlan plan, String user) {
    CatalogTable t = plan instanceof org.apache.spark.sql.execution.datasources.LogicalRelation r
        && r.catalogTable().isDefined() ? r.catalogTable().get()
        : plan instanceof org.apache.spark.sql.catalyst.catalog.HiveTableRelation h ? h.tableMeta()
        : plan instanceof org.apache.spark.sql.catalyst.plans.logical.View v ? v.desc() : null;
    if (t == null) {
      return;
    }
    String owner = owner(CollectionConverters.asJava(t.properties()));
    if (owner != null && !owner.equals(user)) {
      throw new SecurityException("user '" + user + "' may not read "
          + t.identifier().unquotedString() + ": it belongs to '" + owner
          + "' (libra.sql.private-by-default)");
    }
  }

  /**
   * @throws SecurityException when table {@code name} exists, is not {@code user}'s and
   *     {@code admin} is false
   */
  public static void requireMayChange(SparkSession session, TableIdentifier name, String user,
      boolean admin, String what) {
    SessionCatalog catalog = session.sessionState().catalog();
    if (admin || catalog.isTempView(name) || !catalog.tableExists(name)) {
      return;
    }
    try {
      requireOwner(catalog.getTableMetadata(name), user, what);
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException
        | org.apache.spark.sql.catalyst.analysis.NoSuchDatabaseException e) {
      // gone meanwhile: Spark reports it
    }
  }

  private static void requireOwner(CatalogTable t, String user, String what) {
    String owner = owner(CollectionConverters.asJava(t.properties()));
    if (!user.equals(owner)) {
      throw denied(user, what, t.identifier().unquotedString(), owner);
    }
  }

  private static String owner(Map<String, String> properties) {
    return properties.get(PROPERTY);
  }

  private static SecurityException denied(String user, String what, String object,
      String owner) {
    return new SecurityException("user '" + user + "' may not " + what + " " + object + ": it"
        + (owner == null ? " belongs to the gateway" : " belongs to '" + owner + "'")
        + " (only its owner or the 'admin' role may change it)");
  }

  private static String statement(String kind) {
    return kind.replace("Command", "").replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase();
  }

  private static java.util.List<Object> fields(LogicalPlan plan) {
    java.util.List<Object> out = new java.util.ArrayList<>();
    Iterator<Object> it = CollectionConverters.asJava(plan.productIterator());
    it.forEachRemaining(out::add);
    return out;
  }

  /** The table a command changes: its first table name, or its resolved v2 child. */
  private static TableIdentifier target(LogicalPlan plan) {
    for (Object field : fields(plan)) {
      if (field instanceof TableIdentifier t) {
        return t;
      }
      TableIdentifier named = SessionCatalogNames.table(field);
      if (named != null) {
        return named;
      }
    }
    return null;
  }

  /** The database a command changes. */
  private static String database(LogicalPlan plan) {
    for (Object field : fields(plan)) {
      if (field instanceof String s) {
        return s; // v1 commands: databaseName comes first
      }
      if (field instanceof ResolvedNamespace n && SessionCatalogNames.isSession(n.catalog())
          && n.namespace().nonEmpty()) {
        return n.namespace().last();
      }
    }
    return null;
  }


}
