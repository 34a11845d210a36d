package io.libra.engine;

import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedPersistentView;
import org.apache.spark.sql.catalyst.analysis.ResolvedTable;
import org.apache.spark.sql.connector.catalog.CatalogManager;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Identifier;
import scala.Option;

/**
 * Names of the session catalog ({@code spark_catalog}) in Spark's v2 logical plans, as v1
 * {@link TableIdentifier}s: what {@link WarehouseLocations} and {@link TableOwners} look up.
 */
final class SessionCatalogNames {
  private SessionCatalogNames() {}

  /**
   * The table or view a resolved v2 name node ({@code ResolvedTable}, {@code ResolvedIdentifier},
   * {@code ResolvedPersistentView}) stands for, when it is of the session catalog; else null.
   */
  static TableIdentifier table(Object node) {
    Identifier id = node instanceof ResolvedTable r && isSession(r.catalog()) ? r.identifier()
        : node instanceof ResolvedIdentifier r && isSession(r.catalog()) ? r.identifier()
        : node instanceof ResolvedPersistentView v && isSession(v.catalog()) ? v.identifier()
        : null;
    if (id == null || id.namespace().length == 0) {
      return null;
    }
    return new TableIdentifier(id.name(), Option.apply(id.namespace()[id.namespace().length - 1]));
  }

  static boolean isSession(CatalogPlugin catalog) {
    return CatalogManager.SESSION_CATALOG_NAME().equals(catalog.name());
  }
}
