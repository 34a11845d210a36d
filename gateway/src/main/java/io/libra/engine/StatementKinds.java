package io.libra.engine;

import java.util.Set;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * The allow-list of statement kinds a user without the {@code files} role may run: every Spark
 * command node ({@link Command}: DDL, DML, session and metadata statements, as they stand in an
 * analysed plan) must be one of {@link #WITHOUT_FILES}; queries (the non-command nodes) are
 * checked for paths by {@link FileAccessGuard}. A command Spark adds in a later version is
 * refused until it is listed here.
 *
 * <p>Left out on purpose: what names a server path or loads code ({@code LOAD DATA},
 * {@code ADD JAR|FILE|ARCHIVE}, {@code INSERT OVERWRITE DIRECTORY}, {@code SET LOCATION} of a
 * table or database, {@code SET SERDE}, {@code CREATE TEMPORARY VIEW … USING},
 * {@code REFRESH 'path'}, DataFrame-writer saves), indexes, SQL scripting blocks
 * ({@code BEGIN … END}) and streaming. Listed commands keep their own checks in
 * {@link UserSqlBoundary}: no {@code LOCATION} or {@code path}, allowed providers only, nothing
 * dropped, truncated or written outside the warehouse ({@link WarehouseLocations}).
 */
final class StatementKinds {
  private static final String L = "org.apache.spark.sql.catalyst.plans.logical.";
  private static final String C = "org.apache.spark.sql.execution.command.";
  private static final String D = "org.apache.spark.sql.execution.datasources.";
  private static final String H = "org.apache.spark.sql.hive.execution.";

  /** Class names of the commands allowed without the {@code files} role (Spark 4.0). */
  static final Set<String> WITHOUT_FILES = Set.of(
      L + "DescribeColumn",
      L + "DescribeFunction",
      L + "DescribeNamespace",
      L + "DescribeRelation",
      L + "ShowColumns",
      L + "ShowCreateTable",
      L + "ShowFunctions",
      L + "ShowNamespaces",
      L + "ShowPartitions",
      L + "ShowTablePartition",
      L + "ShowTableProperties",
      L + "ShowTables",
      L + "ShowTablesExtended",
      L + "ShowViews",
      C + "DescribeColumnCommand",
      C + "DescribeDatabaseCommand",
      C + "DescribeFunctionCommand",
      C + "DescribeQueryCommand",
      C + "DescribeRelationJsonCommand",
      C + "DescribeTableCommand",
      C + "ExplainCommand",
      C + "ShowCatalogsCommand",
      C + "ShowColumnsCommand",
      C + "ShowCreateTableAsSerdeCommand",
      C + "ShowCreateTableCommand",
      C + "ShowCurrentNamespaceCommand",
      C + "ShowFunctionsCommand",
      C + "ShowPartitionsCommand",
      C + "ShowTablePropertiesCommand",
      C + "ShowTablesCommand",
      C + "ShowViewsCommand",
      C + "ListArchivesCommand",
      C + "ListFilesCommand",
      C + "ListJarsCommand",
      L + "SetCatalogAndNamespace",
      C + "SetCatalogCommand",
      C + "SetNamespaceCommand",
      C + "SetCommand",
      C + "ResetCommand",
      L + "CreateVariable",
      L + "DropVariable",
      L + "SetVariable",
      L + "NoopCommand",
      L + "CacheTable",
      L + "CacheTableAsSelect",
      L + "UncacheTable",
      C + "ClearCacheCommand$",
      L + "RefreshTable",
      C + "RefreshTableCommand",
      L + "RefreshFunction",
      C + "RefreshFunctionCommand",
      L + "AnalyzeColumn",
      L + "AnalyzeTable",
      L + "AnalyzeTables",
      C + "AnalyzeColumnCommand",
      C + "AnalyzePartitionCommand",
      C + "AnalyzeTableCommand",
      C + "AnalyzeTablesCommand",
      L + "CreateNamespace",
      C + "CreateDatabaseCommand",
      L + "CreateTable",
      L + "CreateTableAsSelect",
      L + "ReplaceTable",
      L + "ReplaceTableAsSelect",
      C + "CreateDataSourceTableCommand",
      C + "CreateDataSourceTableAsSelectCommand",
      C + "CreateTableCommand",
      H + "CreateHiveTableAsSelectCommand",
      C + "CreateTableLikeCommand",
      L + "CreateView",
      C + "CreateViewCommand",
      L + "AlterViewAs",
      C + "AlterViewAsCommand",
      L + "AlterViewSchemaBinding",
      C + "AlterViewSchemaBindingCommand",
      L + "SetViewProperties",
      L + "UnsetViewProperties",
      L + "DropView",
      C + "DropTempViewCommand",
      L + "CommentOnNamespace",
      L + "CommentOnTable",
      L + "SetNamespaceProperties",
      C + "AlterDatabasePropertiesCommand",
      C + "UnsetNamespacePropertiesCommand",
      L + "AddColumns",
      L + "AlterColumns",
      L + "DropColumns",
      L + "RenameColumn",
      L + "ReplaceColumns",
      C + "AlterTableAddColumnsCommand",
      C + "AlterTableChangeColumnCommand",
      L + "RenameTable",
      C + "AlterTableRenameCommand",
      L + "SetTableProperties",
      L + "UnsetTableProperties",
      C + "AlterTableSetPropertiesCommand",
      C + "AlterTableUnsetPropertiesCommand",
      L + "AddPartitions",
      C + "AlterTableAddPartitionCommand",
      L + "RenamePartitions",
      C + "AlterTableRenamePartitionCommand",
      L + "RecoverPartitions",
      L + "RepairTable",
      C + "RepairTableCommand",
      L + "AlterTableClusterBy",
      L + "AlterTableCollation",
      L + "DropTable",
      C + "DropTableCommand",
      L + "DropNamespace",
      C + "DropDatabaseCommand",
      L + "TruncateTable",
      L + "TruncatePartition",
      C + "TruncateTableCommand",
      L + "DropPartitions",
      C + "AlterTableDropPartitionCommand",
      D + "InsertIntoHadoopFsRelationCommand",
      H + "InsertIntoHiveTable",
      L + "AppendData",
      L + "OverwriteByExpression",
      L + "OverwritePartitionsDynamic",
      L + "DeleteFromTable",
      L + "DeleteFromTableWithFilters",
      L + "UpdateTable",
      L + "MergeIntoTable",
      L + "ReplaceData",
      L + "WriteDelta",
      D + "InsertIntoDataSourceCommand",
      L + "CreateFunction",
      C + "CreateFunctionCommand",
      C + "CreateSQLFunctionCommand",
      L + "CreateUserDefinedFunction",
      L + "DropFunction",
      C + "DropFunctionCommand");

  private StatementKinds() {}

  /** The command's name when {@code plan} is a command not on the list, else null. */
  static String refusedWithoutFiles(LogicalPlan plan) {
    if (plan instanceof Command && !WITHOUT_FILES.contains(plan.getClass().getName())) {
      return plan.nodeName();
    }
    return null;
  }
}
