package io.libra.flight;

import io.libra.results.SparkArrowSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalog.Table;
import org.apache.spark.sql.classic.SparkSession;

/**
 * Metadata streams: {@code CommandGetCatalogs}, {@code CommandGetDbSchemas}, {@code CommandGetTables}
 * and {@code CommandGetTableTypes}, in the exact result schemas of {@link Schemas}.
 *
 * <p>Source: Spark's catalog API ({@code SHOW CATALOGS}, {@code SHOW NAMESPACES IN},
 * {@code Catalog.listTables}). Permanent tables are TABLE, views VIEW; the session's temporary
 * views are LOCAL TEMPORARY, listed under its current catalog and schema (where an unqualified name
 * finds them). Results are ordered by catalog, schema, table name as JDBC requires.
 *
 * <p>Catalogs are the ones Spark has loaded ({@code SHOW CATALOGS}) and every one configured with
 * {@code spark.sql.catalog.NAME}, loaded or not yet (such as Libra's {@code libra}). A catalog's
 * tables in its root namespace (Libra's {@code libra.jobs}) are listed with no schema
 * ({@code db_schema_name} null), when the schema pattern is missing, empty or {@code %}.
 */
final class CatalogHandler {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(
      CatalogHandler.class);
  static final List<String> TABLE_TYPES = List.of("LOCAL TEMPORARY", "TABLE", "VIEW");
  private static final String CATALOG_CONF = "spark.sql.catalog.";

  private final SparkSession session;

  CatalogHandler(SparkSession session) {
    this.session = session;
  }

  void catalogs(BufferAllocator allocator, ServerStreamListener listener) {
    List<String> catalogs = catalogNames(null);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_CATALOGS_SCHEMA, allocator)) {
      VarCharVector name = (VarCharVector) root.getVector("catalog_name");
      for (int i = 0; i < catalogs.size(); i++) {
        name.setSafe(i, utf8(catalogs.get(i)));
      }
      send(root, catalogs.size(), listener);
    }
  }

  void schemas(CommandGetDbSchemas command, BufferAllocator allocator,
      ServerStreamListener listener) {
    String catalog = command.hasCatalog() ? command.getCatalog() : null;
    JdbcPattern schemaPattern = JdbcPattern.of(
        command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
    List<String[]> rows = new ArrayList<>();
    for (String cat : catalogNames(catalog)) {
      for (String ns : namespaces(cat)) {
        if (schemaPattern.matches(ns)) {
          rows.add(new String[] {cat, ns});
        }
      }
    }
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_SCHEMAS_SCHEMA, allocator)) {
      VarCharVector cat = (VarCharVector) root.getVector("catalog_name");
      VarCharVector schema = (VarCharVector) root.getVector("db_schema_name");
      for (int i = 0; i < rows.size(); i++) {
        cat.setSafe(i, utf8(rows.get(i)[0]));
        schema.setSafe(i, utf8(rows.get(i)[1]));
      }
      send(root, rows.size(), listener);
    }
  }

  /** One GetTables row: {@code schema} is null for a catalog's root namespace. */
  private record TableRow(String catalog, String schema, String name, String type,
      String quotedName) {}

  void tables(CommandGetTables command, BufferAllocator allocator, ServerStreamListener listener)
      throws Exception {
    String catalog = command.hasCatalog() ? command.getCatalog() : null;
    String schemaFilter = command.hasDbSchemaFilterPattern()
        ? command.getDbSchemaFilterPattern() : null;
    JdbcPattern schemaPattern = JdbcPattern.of(schemaFilter);
    JdbcPattern tablePattern = JdbcPattern.of(
        command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null);
    List<String> types = command.getTableTypesList();
    java.util.function.Predicate<String> typeWanted =
        type -> types.isEmpty() || types.stream().anyMatch(type::equalsIgnoreCase);
    boolean rootToo = (schemaFilter == null || schemaFilter.isEmpty() || schemaFilter.equals("%"))
        && typeWanted.test("TABLE");
    String currentCatalog = session.sessionState().catalogManager().currentCatalog().name();
    String currentSchema = session.catalog().currentDatabase();

    List<TableRow> rows = new ArrayList<>();
    for (String cat : catalogNames(catalog)) {
      if (rootToo) {
        for (String name : rootTables(cat)) {
          if (tablePattern.matches(name)) {
            rows.add(new TableRow(cat, null, name, "TABLE", quote(cat) + "." + quote(name)));
          }
        }
      }
      for (String ns : namespaces(cat)) {
        if (!schemaPattern.matches(ns)) {
          continue;
        }
        boolean current = cat.equals(currentCatalog) && ns.equals(currentSchema);
        List<Table> tables = new ArrayList<>(session.catalog()
            .listTables(quote(cat) + "." + quote(ns)).collectAsList());
        tables.sort((a, b) -> a.name().compareTo(b.name()));
        for (Table t : tables) {
          if ((t.isTemporary() && !current) || !tablePattern.matches(t.name())) {
            continue;
          }
          String type = t.isTemporary() ? "LOCAL TEMPORARY"
              : "VIEW".equalsIgnoreCase(t.tableType()) ? "VIEW" : "TABLE";
          if (typeWanted.test(type)) {
            rows.add(new TableRow(cat, ns, t.name(), type, t.isTemporary() ? quote(t.name())
                : quote(cat) + "." + quote(ns) + "." + quote(t.name())));
          }
        }
      }
    }

    boolean includeSchema = command.getIncludeSchema();
    String timeZone = session.sessionState().conf().sessionLocalTimeZone();
    Schema resultSchema = includeSchema ? Schemas.GET_TABLES_SCHEMA
        : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(resultSchema, allocator)) {
      VarCharVector catV = (VarCharVector) root.getVector("catalog_name");
      VarCharVector schemaV = (VarCharVector) root.getVector("db_schema_name");
      VarCharVector nameV = (VarCharVector) root.getVector("table_name");
      VarCharVector typeV = (VarCharVector) root.getVector("table_type");
      VarBinaryVector arrowV = includeSchema ? (VarBinaryVector) root.getVector("table_schema")
          : null;
      for (int row = 0; row < rows.size(); row++) {
        TableRow t = rows.get(row);
        catV.setSafe(row, utf8(t.catalog()));
        if (t.schema() == null) {
          schemaV.setNull(row);
        } else {
          schemaV.setSafe(row, utf8(t.schema()));
        }
        nameV.setSafe(row, utf8(t.name()));
        typeV.setSafe(row, utf8(t.type()));
        if (arrowV != null) {
          arrowV.setSafe(row, serialize(SparkArrowSchema.toArrow(
              session.table(t.quotedName()).schema(), timeZone)));
        }
      }
      send(root, rows.size(), listener);
    }
  }

  void tableTypes(BufferAllocator allocator, ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_TABLE_TYPES_SCHEMA,
        allocator)) {
      VarCharVector type = (VarCharVector) root.getVector("table_type");
      for (int i = 0; i < TABLE_TYPES.size(); i++) {
        type.setSafe(i, utf8(TABLE_TYPES.get(i)));
      }
      send(root, TABLE_TYPES.size(), listener);
    }
  }

  /**
   * Catalogs Spark knows: loaded ones ({@code SHOW CATALOGS}), configured ones
   * ({@code spark.sql.catalog.NAME}, which Spark loads on first use) and the session catalog;
   * sorted; or just {@code only}.
   */
  private List<String> catalogNames(String only) {
    java.util.Set<String> found = new java.util.TreeSet<>();
    for (Row r : session.sql("SHOW CATALOGS").collectAsList()) {
      found.add(r.getString(0));
    }
    found.add("spark_catalog");
    scala.jdk.javaapi.CollectionConverters.asJava(session.conf().getAll()).keySet().stream()
        .filter(k -> k.startsWith(CATALOG_CONF) && k.indexOf('.', CATALOG_CONF.length()) < 0)
        .map(k -> k.substring(CATALOG_CONF.length()))
        .filter(n -> !n.isEmpty())
        .forEach(found::add);
    List<String> names = new ArrayList<>(found);
    names.sort(String::compareTo);
    if (only != null) {
      return names.stream().filter(n -> n.equalsIgnoreCase(only)).toList();
    }
    return names;
  }

  /**
   * Tables in the root namespace of a catalog other than the session catalog (whose root holds
   * none), sorted; none when the catalog is not a {@code TableCatalog} or cannot list them.
   */
  private List<String> rootTables(String catalog) {
    if (catalog.equalsIgnoreCase("spark_catalog")) {
      return List.of();
    }
    try {
      if (session.sessionState().catalogManager().catalog(catalog)
          instanceof org.apache.spark.sql.connector.catalog.TableCatalog tables) {
        List<String> names = new ArrayList<>();
        for (org.apache.spark.sql.connector.catalog.Identifier id
            : tables.listTables(new String[0])) {
          names.add(id.name());
        }
        names.sort(String::compareTo);
        return names;
      }
    } catch (Exception e) {
      // A catalog whose root namespace cannot be listed has no root tables to show.
    }
    return List.of();
  }

  /**
   * A catalog's namespaces, sorted. A configured catalog that Spark cannot load or list (a wrong
   * class name, an unreachable metastore) has none here, and a warning is logged, so that one bad
   * catalog does not fail every metadata call.
   */
  private List<String> namespaces(String catalog) {
    List<String> names = new ArrayList<>();
    List<Row> rows;
    try {
      rows = session.sql("SHOW NAMESPACES IN " + quote(catalog)).collectAsList();
    } catch (Exception e) {
      if (catalog.equalsIgnoreCase("spark_catalog")) {
        throw e;
      }
      LOG.warn("catalog {}: cannot list its namespaces: {}", catalog, e.getMessage());
      return names;
    }
    for (Row r : rows) {
      names.add(r.getString(0));
    }
    names.sort(String::compareTo);
    return names;
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** An Arrow schema as an IPC schema message (what {@code table_schema} carries). */
  static byte[] serialize(Schema schema) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
    return out.toByteArray();
  }

  private static void send(VectorSchemaRoot root, int rows, ServerStreamListener listener) {
    root.setRowCount(rows);
    listener.start(root);
    listener.putNext();
    listener.completed();
  }
}
