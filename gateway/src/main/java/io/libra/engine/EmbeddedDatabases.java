package io.libra.engine;

import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.TableSpec;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedTableSpec;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.CreateTempViewUsing;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Keeps every session — whatever its user's roles — from opening a JDBC connection to an embedded
 * Derby database ({@code jdbc:derby:…}): Derby runs inside the gateway JVM, the gateway's own job
 * registry ({@code jobs_db}) and Hive metastore ({@code metastore_db}) are Derby databases there,
 * and a Derby connection reaches Java ({@code SYSCS_UTIL} procedures read and write server files,
 * functions call static methods) with the gateway's rights. {@code libra.jobs} is the SQL view of
 * the registry. Refused, on analysed plans ({@link SqlGuard}'s check rule):
 * <ul>
 *   <li>a JDBC relation or table with a Derby URL ({@code USING jdbc} tables, v2 JDBC catalogs);</li>
 *   <li>creating a table or temporary view ({@code CREATE … USING … OPTIONS (url …)}) whose
 *       {@code url} option is a Derby URL, whatever the provider is called;</li>
 *   <li>{@code SET} of any setting to a value naming a Derby URL (a session JDBC catalog's
 *       {@code spark.sql.catalog.<name>.url}).</li>
 * </ul>
 * A refusal is a {@link SecurityException} (Flight UNAUTHORIZED).
 */
final class EmbeddedDatabases {
  private EmbeddedDatabases() {}

  /** @throws SecurityException when {@code plan} (one node) would connect to embedded Derby */
  static void check(LogicalPlan plan) {
    String url = jdbcUrl(plan);
    if (url != null && isDerby(url)) {
      throw new SecurityException("JDBC connections to embedded Derby databases and other"
          + " in-process drivers (" + url + ") are refused on this gateway: Derby runs inside the"
          + " gateway, with its job registry and metastore; query libra.jobs instead");
    }
  }

  /**
   * JDBC drivers that run inside the gateway JVM (Derby, and Calcite, whose models open other
   * JDBC connections from inline text), or other in-process engines that may be on a classpath.
   */
  private static final java.util.List<String> IN_PROCESS = java.util.List.of("jdbc:derby:",
      "jdbc:calcite:", "jdbc:h2:", "jdbc:hsqldb:", "jdbc:sqlite:", "jdbc:duckdb:");

  static boolean isDerby(String text) {
    String t = unescape(text).toLowerCase(Locale.ROOT).replaceAll("\\s", "");
    return IN_PROCESS.stream().anyMatch(t::contains) || t.contains("derby");
  }

  /** Java and JSON escapes ({@code \u0064}) undone, so a URL cannot hide behind them. */
  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 5 < text.length() && text.charAt(i + 1) == 'u') {
        try {
          out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
          i += 5;
          continue;
        } catch (NumberFormatException e) {
          // not an escape
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  /** The JDBC URL this node connects to or stores, or null. */
  private static String jdbcUrl(LogicalPlan plan) {
    if (plan instanceof LogicalRelation r && r.relation() instanceof JDBCRelation j) {
      return j.jdbcOptions().url();
    }
    if (plan instanceof DataSourceV2Relation r && r.table() instanceof JDBCTable t) {
      return t.jdbcOptions().url();
    }
    if (plan instanceof SetCommand set && set.kv().isDefined()
        && set.kv().get()._2().isDefined()) {
      return set.kv().get()._2().get();
    }
    if (plan instanceof CreateTempViewUsing v) {
      return url(CollectionConverters.asJava(v.options()));
    }
    CatalogTable table = plan instanceof CreateDataSourceTableCommand c ? c.table()
        : plan instanceof CreateDataSourceTableAsSelectCommand c ? c.table() : null;
    if (table != null) {
      return url(CollectionConverters.asJava(table.storage().properties()));
    }
    java.util.Iterator<Object> fields = CollectionConverters.asJava(plan.productIterator());
    while (fields.hasNext()) {
      Object node = fields.next();
      if (node instanceof UnresolvedTableSpec u) {
        for (var o : CollectionConverters.asJava(u.optionExpression().options())) {
          if (isDerby(o._2().sql())) {
            return o._2().sql();
          }
        }
      }
      if (node instanceof TableSpec t) {
        String found = url(CollectionConverters.asJava(t.options()));
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /**
   * The first option value naming an in-process database, else the {@code url} option: every
   * value is looked at (Spark takes the last of two keys that differ in case, a check of the
   * first would be fooled).
   */
  private static String url(Map<String, String> options) {
    String url = null;
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getValue() != null && isDerby(e.getValue())) {
        return e.getValue();
      }
      if (e.getKey().equalsIgnoreCase("url")) {
        url = e.getValue();
      }
    }
    return url;
  }
}
