package io.libra.engine;

import java.net.URI;
import java.util.Objects;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTablePartition;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.plans.logical.DropNamespace;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.AlterTableDropPartitionCommand;
import org.apache.spark.sql.execution.command.DropDatabaseCommand;
import org.apache.spark.sql.execution.command.DropTableCommand;
import org.apache.spark.sql.execution.command.RepairTableCommand;
import org.apache.spark.sql.execution.command.TruncateTableCommand;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Whether a statement deletes, truncates or writes files outside the warehouse
 * ({@code spark.sql.warehouse.dir}): {@code DROP TABLE}, {@code DROP DATABASE} (with
 * {@code CASCADE}, every table in it), {@code TRUNCATE TABLE}, {@code ALTER TABLE … DROP PARTITION},
 * {@code MSCK REPAIR TABLE} and {@code INSERT} (a write's output path, its table's and its
 * partitions' locations) of a table, database or partition whose location is elsewhere — one a user with the
 * {@code files} role created with {@code LOCATION}. Without that role such a statement is refused:
 * Spark would delete or rewrite the files there with the gateway's rights. Locations are compared
 * as normalized URIs (scheme, authority, path with {@code ..} resolved); a table or database that
 * does not exist is left to Spark to report. Both forms are checked: Spark's v1 commands and the
 * v2 logical plans over the session catalog; tables of other catalogs (configured by an operator
 * in {@code spark-defaults.conf}) are that catalog's to protect.
 */
final class WarehouseLocations {
  private WarehouseLocations() {}

  /** What {@code plan} (one node) would delete or write outside the warehouse, or null. */
  static String outside(SparkSession session, LogicalPlan plan) {
    SessionCatalog catalog = session.sessionState().catalog();
    URI warehouse = new Path(session.sessionState().conf().warehousePath()).toUri();
    try {
      if (plan instanceof DropTableCommand d && !d.isView()) {
        return table(catalog, warehouse, d.tableName(), "DROP TABLE");
      }
      if (plan instanceof TruncateTableCommand t) {
        return table(catalog, warehouse, t.tableName(), "TRUNCATE TABLE");
      }
      if (plan instanceof AlterTableDropPartitionCommand p) {
        return table(catalog, warehouse, p.tableName(), "ALTER TABLE ... DROP PARTITION");
      }
      if (plan instanceof org.apache.spark.sql.execution.command.AlterTableRenamePartitionCommand
          p) {
        return table(catalog, warehouse, p.tableName(), "ALTER TABLE ... RENAME PARTITION");
      }
      String created = createdIn(plan);
      if (created != null) {
        return createdInDatabase(catalog, warehouse, created);
      }
      if (plan instanceof RepairTableCommand r) {
        return table(catalog, warehouse, r.tableName(), "MSCK REPAIR TABLE");
      }
      // The same statements as Spark's v2 logical plans (what stays after analysis unless
      // spark.sql.legacy.useV1Command), over the session catalog's resolved names.
      String v2 = V2_TABLE_STATEMENTS.get(plan.getClass().getSimpleName());
      if (v2 != null) {
        TableIdentifier name = sessionTable(plan);
        return name == null ? null : table(catalog, warehouse, name, v2);
      }
      if (plan instanceof DropNamespace d && d.namespace() instanceof ResolvedNamespace n
          && SessionCatalogNames.isSession(n.catalog()) && n.namespace().nonEmpty()) {
        return database(catalog, warehouse, n.namespace().last(), d.cascade());
      }
      if (plan instanceof DropDatabaseCommand d) {
        return database(catalog, warehouse, d.databaseName(), d.cascade());
      }
      if (plan instanceof InsertIntoHadoopFsRelationCommand w) {
        if (!inside(w.outputPath().toUri(), warehouse)) {
          return "INSERT into " + w.outputPath();
        }
        if (w.catalogTable().isDefined()) { // and its partitions' own locations
          return tableLocations(catalog, warehouse, w.catalogTable().get(), "INSERT");
        }
      }
      if (plan instanceof org.apache.spark.sql.hive.execution.InsertIntoHiveTable w) {
        return tableLocations(catalog, warehouse, w.table(), "INSERT");
      }
    } catch (org.apache.spark.sql.AnalysisException e) {
      return null; // no such table or database: Spark's own error follows
    }
    return null;
  }

  /** Spark's v2 logical plans over one table, by simple class name, with what they do. */
  private static final java.util.Map<String, String> V2_TABLE_STATEMENTS = java.util.Map.of(
      "DropTable", "DROP TABLE", "TruncateTable", "TRUNCATE TABLE",
      "TruncatePartition", "TRUNCATE TABLE ... PARTITION",
      "DropPartitions", "ALTER TABLE ... DROP PARTITION", "RepairTable", "MSCK REPAIR TABLE",
      "RecoverPartitions", "ALTER TABLE ... RECOVER PARTITIONS",
      "RenamePartitions", "ALTER TABLE ... RENAME PARTITION");

  /** The session catalog's table a v2 plan names (its resolved child), or null. */
  private static TableIdentifier sessionTable(LogicalPlan plan) {
    if (!plan.getClass().getPackageName().equals(
        "org.apache.spark.sql.catalyst.plans.logical")) {
      return null;
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      TableIdentifier named = SessionCatalogNames.table(child);
      if (named != null) {
        return named;
      }
    }
    return null;
  }


  /**
   * The database a new managed table goes into (its files go under the database's location), or
   * null when {@code plan} creates none or names a location of its own (refused elsewhere).
   */
  private static String createdIn(LogicalPlan plan) {
    org.apache.spark.sql.catalyst.catalog.CatalogTable t =
        plan instanceof org.apache.spark.sql.execution.command.CreateDataSourceTableCommand c
            ? c.table()
        : plan instanceof org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand c
            ? c.table()
        : plan instanceof org.apache.spark.sql.execution.command.CreateTableCommand c ? c.table()
        : plan instanceof org.apache.spark.sql.hive.execution.CreateHiveTableAsSelectCommand c
            ? c.tableDesc() : null;
    if (t != null) {
      return t.storage().locationUri().isDefined() ? null
          : t.identifier().database().isDefined() ? t.identifier().database().get() : "";
    }
    if (plan instanceof org.apache.spark.sql.execution.command.CreateTableLikeCommand c
        && c.fileFormat().locationUri().isEmpty()) {
      return c.targetTable().database().isDefined() ? c.targetTable().database().get() : "";
    }
    return null;
  }

  /** A table created in {@code db} ("" = the current one) would put files outside the warehouse. */
  private static String createdInDatabase(SessionCatalog catalog, URI warehouse, String db)
      throws org.apache.spark.sql.AnalysisException {
    String name = db.isEmpty() ? catalog.getCurrentDatabase() : db;
    if (!catalog.databaseExists(name)) {
      return null;
    }
    URI location = catalog.getDatabaseMetadata(name).locationUri();
    return inside(location, warehouse) ? null
        : "CREATE TABLE in database " + name + " (at " + location + ")";
  }

  /** For bulk ingest: what the target table or, for a new one, its database puts outside. */
  static String ingestTarget(SparkSession session, TableIdentifier table, boolean exists) {
    SessionCatalog catalog = session.sessionState().catalog();
    URI warehouse = new Path(session.sessionState().conf().warehousePath()).toUri();
    try {
      return exists ? table(catalog, warehouse, table, "bulk ingest")
          : createdInDatabase(catalog, warehouse,
              table.database().isDefined() ? table.database().get() : "");
    } catch (org.apache.spark.sql.AnalysisException e) {
      return null;
    }
  }

  private static String database(SessionCatalog catalog, URI warehouse, String db,
      boolean cascade) throws org.apache.spark.sql.AnalysisException {
    if (!catalog.databaseExists(db)) {
      return null;
    }
    URI location = catalog.getDatabaseMetadata(db).locationUri();
    if (!inside(location, warehouse)) {
      return "DROP DATABASE " + db + " (at " + location + ")";
    }
    if (cascade) {
      for (TableIdentifier t : CollectionConverters.asJava(catalog.listTables(db))) {
        String out = table(catalog, warehouse, t, "DROP DATABASE " + db + " CASCADE");
        if (out != null) {
          return out;
        }
      }
    }
    return null;
  }

  private static String table(SessionCatalog catalog, URI warehouse, TableIdentifier name,
      String what) throws org.apache.spark.sql.AnalysisException {
    if (catalog.isTempView(name) || !catalog.tableExists(name)) {
      return null;
    }
    return tableLocations(catalog, warehouse, catalog.getTableMetadata(name), what);
  }

  /** The table's location and, when partitioned, each partition's. */
  private static String tableLocations(SessionCatalog catalog, URI warehouse, CatalogTable t,
      String what) {
    Option<URI> location = t.storage().locationUri();
    if (location.isDefined() && !inside(location.get(), warehouse)) {
      return what + " of " + t.identifier().unquotedString() + " (at " + location.get() + ")";
    }
    if (t.partitionColumnNames().nonEmpty()) {
      for (CatalogTablePartition p : CollectionConverters.asJava(
          catalog.listPartitions(t.identifier(), Option.empty()))) {
        Option<URI> at = p.storage().locationUri();
        if (at.isDefined() && !inside(at.get(), warehouse)) {
          return what + " of " + t.identifier().unquotedString() + " (a partition at " + at.get()
              + ")";
        }
      }
    }
    return null;
  }

  /** Whether {@code location} is {@code warehouse} or under it. */
  static boolean inside(URI location, URI warehouse) {
    URI l = location.normalize();
    URI w = warehouse.normalize();
    String wp = w.getPath().endsWith("/") ? w.getPath() : w.getPath() + "/";
    String lp = l.getPath() == null ? "" : l.getPath();
    return scheme(l).equals(scheme(w)) && authority(l).equals(authority(w))
        && (lp + "/").startsWith(wp) && !lp.contains("/../");
  }

  private static String scheme(URI u) {
    return u.getScheme() == null ? "file" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
  }

  private static String authority(URI u) {
    return Objects.toString(u.getAuthority(), "");
  }
}
