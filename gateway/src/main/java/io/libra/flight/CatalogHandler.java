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
 */
final class CatalogHandler {
  static final List<String> TABLE_TYPES = List.of("LOCAL TEMPORARY", "TABLE", "VIEW");

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

  void tables(CommandGetTables command, BufferAllocator allocator, ServerStreamListener listener)
      throws Exception {
    String catalog = command.hasCatalog() ? command.getCatalog() : null;
    JdbcPattern schemaPattern = JdbcPattern.of(
        command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
    JdbcPattern tablePattern = JdbcPattern.of(
        command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null);
    List<String> types = command.getTableTypesList();
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
      int row = 0;
      String currentCatalog = session.sessionState().catalogManager().currentCatalog().name();
      String currentSchema = session.catalog().currentDatabase();
      for (String cat : catalogNames(catalog)) {
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
            if (!types.isEmpty() && types.stream().noneMatch(type::equalsIgnoreCase)) {
              continue;
            }
            catV.setSafe(row, utf8(cat));
            schemaV.setSafe(row, utf8(ns));
            nameV.setSafe(row, utf8(t.name()));
            typeV.setSafe(row, utf8(type));
            if (arrowV != null) {
              String fq = t.isTemporary() ? quote(t.name())
                  : quote(cat) + "." + quote(ns) + "." + quote(t.name());
              Schema tableSchema = SparkArrowSchema.toArrow(session.table(fq).schema(), timeZone);
              arrowV.setSafe(row, serialize(tableSchema));
            }
            row++;
          }
        }
      }
      send(root, row, listener);
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

  /** Catalogs Spark knows (configured ones and the session catalog), sorted; or just {@code only}. */
  private List<String> catalogNames(String only) {
    List<String> names = new ArrayList<>();
    for (Row r : session.sql("SHOW CATALOGS").collectAsList()) {
      names.add(r.getString(0));
    }
    if (!names.contains("spark_catalog")) {
      names.add("spark_catalog");
    }
    names.sort(String::compareTo);
    if (only != null) {
      return names.stream().filter(n -> n.equalsIgnoreCase(only)).toList();
    }
    return names;
  }

  private List<String> namespaces(String catalog) {
    List<String> names = new ArrayList<>();
    for (Row r : session.sql("SHOW NAMESPACES IN " + quote(catalog)).collectAsList()) {
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
