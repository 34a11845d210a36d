package io.libra.jdbc;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * {@code DatabaseMetaData} from Flight SQL's metadata commands: the getters from
 * {@code CommandGetSqlInfo} (read once per instance; ids the gateway does not serve answer what
 * Spark does), catalogs, schemas, tables and table types from {@code CommandGetCatalogs},
 * {@code CommandGetDbSchemas}, {@code CommandGetTables} and {@code CommandGetTableTypes}, columns
 * from the Arrow schemas {@code CommandGetTables} includes ({@code include_schema}), keys from
 * {@code CommandGetPrimaryKeys}/{@code …ImportedKeys}/{@code …ExportedKeys}/
 * {@code …CrossReference}, {@code getTypeInfo} from {@code CommandGetXdbcTypeInfo}, functions from
 * Spark's {@code SHOW FUNCTIONS}. Every result set has JDBC 4.2's column names and order, also
 * when it has no rows.
 */
final class LibraDatabaseMetaData implements DatabaseMetaData {
  private static final int V = Types.VARCHAR;
  private static final int S = Types.SMALLINT;
  private static final int I = Types.INTEGER;
  private static final int B = Types.BOOLEAN;
  private static final int L = Types.BIGINT;
  /**
   * The procedures {@code CALL libra.<name>(…)} runs (the gateway's procedures package:
   * JobProcedures and SessionProcedures), with their parameters; kept here by hand because Flight
   * SQL has no command that lists procedures.
   */
  private static final String[][] PROCEDURES = {
      {"submit_job", "kind", "resource", "main_class", "args", "conf", "name"},
      {"job_status", "job_id"},
      {"cancel_job", "job_id"},
      {"job_log", "job_id", "tail"},
      {"close_session", "session_id"},
      {"cancel_statement", "statement_id"}};

  private final LibraConnection connection;
  private Map<Integer, Object> info;

  LibraDatabaseMetaData(LibraConnection connection) {
    this.connection = connection;
  }

  // ---- GetSqlInfo ----

  private synchronized Map<Integer, Object> info() throws SQLException {
    connection.checkOpen();
    if (info == null) {
      FlightInfo fi;
      try {
        fi = connection.sql().getSqlInfo(new int[0], connection.controlOptions());
      } catch (RuntimeException e) {
        throw SqlErrors.from(e);
      }
      FlightRows rows = FlightRows.read(connection, fi, connection.controlOptions());
      Map<Integer, Object> m = new HashMap<>();
      for (Object[] r : rows.rows) {
        m.put(((Number) r[0]).intValue(), r[1]);
      }
      info = m;
    }
    return info;
  }

  private boolean bool(int id, boolean otherwise) throws SQLException {
    Object v = info().get(id);
    return v instanceof Boolean b ? b : otherwise;
  }

  private String str(int id, String otherwise) throws SQLException {
    Object v = info().get(id);
    if (v instanceof List<?> l) {
      return String.join(",", l.stream().map(String::valueOf).toList());
    }
    return v == null ? otherwise : v.toString();
  }

  private int integer(int id, int otherwise) throws SQLException {
    Object v = info().get(id);
    return v instanceof Number n ? (int) Math.min(Integer.MAX_VALUE, n.longValue()) : otherwise;
  }

  // ---- result sets ----

  private static List<ResultColumn> cols(Object... nameAndType) {
    List<ResultColumn> out = new ArrayList<>();
    for (int i = 0; i < nameAndType.length; i += 2) {
      int t = (Integer) nameAndType[i + 1];
      String tn = switch (t) {
        case Types.SMALLINT -> "SMALLINT";
        case Types.INTEGER -> "INTEGER";
        case Types.BIGINT -> "BIGINT";
        case Types.BOOLEAN -> "BOOLEAN";
        default -> "VARCHAR";
      };
      out.add(new ResultColumn((String) nameAndType[i], t, tn, true));
    }
    return out;
  }

  private static ResultSet rows(List<ResultColumn> columns, List<Object[]> rows) {
    return RowsResultSet.create(null, columns, rows);
  }

  private static ResultSet empty(Object... nameAndType) {
    return rows(cols(nameAndType), List.of());
  }

  private FlightRows run(java.util.function.Supplier<FlightInfo> call) throws SQLException {
    connection.checkOpen();
    FlightInfo fi;
    try {
      fi = call.get();
    } catch (RuntimeException e) {
      throw SqlErrors.from(e);
    }
    return FlightRows.read(connection, fi, connection.controlOptions());
  }

  /** A JDBC LIKE pattern ({@code %}, {@code _}, escape {@code \}) as a regex; null matches all. */
  static Pattern like(String pattern) {
    if (pattern == null) {
      return null;
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  }

  @Override
  public ResultSet getCatalogs() throws SQLException {
    FlightRows r = run(() -> connection.sql().getCatalogs(connection.controlOptions()));
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      out.add(new Object[] {r.string(row, "catalog_name")});
    }
    return rows(cols("TABLE_CAT", V), out);
  }

  @Override
  public ResultSet getSchemas() throws SQLException {
    return getSchemas(null, null);
  }

  @Override
  public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
    FlightRows r = run(() -> connection.sql().getSchemas(catalog, schemaPattern,
        connection.controlOptions()));
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      out.add(new Object[] {r.string(row, "db_schema_name"), r.string(row, "catalog_name")});
    }
    return rows(cols("TABLE_SCHEM", V, "TABLE_CATALOG", V), out);
  }

  @Override
  public ResultSet getTableTypes() throws SQLException {
    FlightRows r = run(() -> connection.sql().getTableTypes(connection.controlOptions()));
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      out.add(new Object[] {r.string(row, "table_type")});
    }
    return rows(cols("TABLE_TYPE", V), out);
  }

  @Override
  public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern,
      String[] types) throws SQLException {
    FlightRows r = run(() -> connection.sql().getTables(catalog, schemaPattern, tableNamePattern,
        types == null ? null : Arrays.asList(types), false, connection.controlOptions()));
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      out.add(new Object[] {r.string(row, "catalog_name"), r.string(row, "db_schema_name"),
          r.string(row, "table_name"), r.string(row, "table_type"), "", null, null, null, null,
          null});
    }
    return rows(cols("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "TABLE_TYPE", V,
        "REMARKS", V, "TYPE_CAT", V, "TYPE_SCHEM", V, "TYPE_NAME", V,
        "SELF_REFERENCING_COL_NAME", V, "REF_GENERATION", V), out);
  }

  /** Columns of the tables {@code CommandGetTables} (with schemas) names, filtered by pattern. */
  @Override
  public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern,
      String columnNamePattern) throws SQLException {
    FlightRows r = run(() -> connection.sql().getTables(catalog, schemaPattern, tableNamePattern,
        null, true, connection.controlOptions()));
    Pattern columns = like(columnNamePattern);
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      Object bytes = r.get(row, "table_schema");
      if (!(bytes instanceof byte[] b)) {
        continue;
      }
      Schema schema;
      try {
        schema = Schema.deserializeMessage(ByteBuffer.wrap(b));
      } catch (RuntimeException e) {
        throw new SQLException("cannot read the schema of table " + r.string(row, "table_name")
            + ": " + e, "XX000", e);
      }
      int position = 0;
      for (Field f : schema.getFields()) {
        position++;
        if (columns != null && !columns.matcher(f.getName()).matches()) {
          continue;
        }
        int type = JdbcTypes.sqlType(f);
        boolean decimalish = type == Types.DECIMAL || type == Types.TIMESTAMP;
        String remarks = JdbcTypes.meta(f, "ARROW:FLIGHT:SQL:REMARKS");
        out.add(new Object[] {r.string(row, "catalog_name"), r.string(row, "db_schema_name"),
            r.string(row, "table_name"), f.getName(), type, JdbcTypes.typeName(f),
            JdbcTypes.precision(f), null, decimalish ? JdbcTypes.scale(f) : null,
            type == Types.DECIMAL || type == Types.INTEGER || type == Types.BIGINT
                || type == Types.SMALLINT || type == Types.TINYINT ? 10 : null,
            f.isNullable() ? columnNullable : columnNoNulls, remarks == null ? "" : remarks,
            null, null, null, type == Types.VARCHAR ? Integer.MAX_VALUE : null, position,
            f.isNullable() ? "YES" : "NO", null, null, null, null, "NO", "NO"});
      }
    }
    return rows(cols("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "COLUMN_NAME", V,
        "DATA_TYPE", I, "TYPE_NAME", V, "COLUMN_SIZE", I, "BUFFER_LENGTH", I, "DECIMAL_DIGITS", I,
        "NUM_PREC_RADIX", I, "NULLABLE", I, "REMARKS", V, "COLUMN_DEF", V, "SQL_DATA_TYPE", I,
        "SQL_DATETIME_SUB", I, "CHAR_OCTET_LENGTH", I, "ORDINAL_POSITION", I, "IS_NULLABLE", V,
        "SCOPE_CATALOG", V, "SCOPE_SCHEMA", V, "SCOPE_TABLE", V, "SOURCE_DATA_TYPE", S,
        "IS_AUTOINCREMENT", V, "IS_GENERATEDCOLUMN", V), out);
  }

  @Override
  public ResultSet getPrimaryKeys(String catalog, String schema, String table)
      throws SQLException {
    FlightRows r = run(() -> connection.sql().getPrimaryKeys(TableRef.of(catalog, schema, table),
        connection.controlOptions()));
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      out.add(new Object[] {r.string(row, "catalog_name"), r.string(row, "db_schema_name"),
          r.string(row, "table_name"), r.string(row, "column_name"),
          r.shortValue(row, "key_sequence"), r.string(row, "key_name")});
    }
    return rows(cols("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "COLUMN_NAME", V,
        "KEY_SEQ", S, "PK_NAME", V), out);
  }

  private static final Object[] KEY_COLUMNS = {"PKTABLE_CAT", V, "PKTABLE_SCHEM", V,
      "PKTABLE_NAME", V, "PKCOLUMN_NAME", V, "FKTABLE_CAT", V, "FKTABLE_SCHEM", V, "FKTABLE_NAME",
      V, "FKCOLUMN_NAME", V, "KEY_SEQ", S, "UPDATE_RULE", S, "DELETE_RULE", S, "FK_NAME", V,
      "PK_NAME", V, "DEFERRABILITY", S};

  private static ResultSet keys(FlightRows r) {
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      out.add(new Object[] {r.string(row, "pk_catalog_name"), r.string(row, "pk_db_schema_name"),
          r.string(row, "pk_table_name"), r.string(row, "pk_column_name"),
          r.string(row, "fk_catalog_name"), r.string(row, "fk_db_schema_name"),
          r.string(row, "fk_table_name"), r.string(row, "fk_column_name"),
          r.shortValue(row, "key_sequence"), r.shortValue(row, "update_rule"),
          r.shortValue(row, "delete_rule"), r.string(row, "fk_key_name"),
          r.string(row, "pk_key_name"), (short) importedKeyNotDeferrable});
    }
    return rows(cols(KEY_COLUMNS), out);
  }

  @Override
  public ResultSet getImportedKeys(String catalog, String schema, String table)
      throws SQLException {
    return keys(run(() -> connection.sql().getImportedKeys(TableRef.of(catalog, schema, table),
        connection.controlOptions())));
  }

  @Override
  public ResultSet getExportedKeys(String catalog, String schema, String table)
      throws SQLException {
    return keys(run(() -> connection.sql().getExportedKeys(TableRef.of(catalog, schema, table),
        connection.controlOptions())));
  }

  @Override
  public ResultSet getCrossReference(String parentCatalog, String parentSchema,
      String parentTable, String foreignCatalog, String foreignSchema, String foreignTable)
      throws SQLException {
    return keys(run(() -> connection.sql().getCrossReference(
        TableRef.of(parentCatalog, parentSchema, parentTable),
        TableRef.of(foreignCatalog, foreignSchema, foreignTable), connection.controlOptions())));
  }

  /** {@code CommandGetXdbcTypeInfo}, its columns in JDBC's names and types. */
  @Override
  public ResultSet getTypeInfo() throws SQLException {
    FlightRows r = run(() -> connection.sql().getXdbcTypeInfo(connection.controlOptions()));
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      Object params = r.get(row, "create_params");
      String createParams = params instanceof List<?> l
          ? String.join(",", l.stream().map(String::valueOf).toList()) : null;
      Integer nullable = r.integer(row, "nullable");
      Integer searchable = r.integer(row, "searchable");
      Integer minScale = r.integer(row, "minimum_scale");
      Integer maxScale = r.integer(row, "maximum_scale");
      out.add(new Object[] {r.string(row, "type_name"), r.integer(row, "data_type"),
          r.integer(row, "column_size"), r.string(row, "literal_prefix"),
          r.string(row, "literal_suffix"), createParams,
          nullable == null ? (short) typeNullableUnknown : nullable.shortValue(),
          Boolean.TRUE.equals(r.bool(row, "case_sensitive")),
          searchable == null ? (short) typeSearchable : searchable.shortValue(),
          Boolean.TRUE.equals(r.bool(row, "unsigned_attribute")),
          Boolean.TRUE.equals(r.bool(row, "fixed_prec_scale")),
          Boolean.TRUE.equals(r.bool(row, "auto_increment")), r.string(row, "local_type_name"),
          minScale == null ? null : minScale.shortValue(),
          maxScale == null ? null : maxScale.shortValue(), r.integer(row, "sql_data_type"),
          r.integer(row, "datetime_subcode"), r.integer(row, "num_prec_radix")});
    }
    return rows(cols("TYPE_NAME", V, "DATA_TYPE", I, "PRECISION", I, "LITERAL_PREFIX", V,
        "LITERAL_SUFFIX", V, "CREATE_PARAMS", V, "NULLABLE", S, "CASE_SENSITIVE", B,
        "SEARCHABLE", S, "UNSIGNED_ATTRIBUTE", B, "FIXED_PREC_SCALE", B, "AUTO_INCREMENT", B,
        "LOCAL_TYPE_NAME", V, "MINIMUM_SCALE", S, "MAXIMUM_SCALE", S, "SQL_DATA_TYPE", I,
        "SQL_DATETIME_SUB", I, "NUM_PREC_RADIX", I), out);
  }

  /** The {@code libra.*} procedures ({@link #PROCEDURES}), in schema {@code libra}. */
  @Override
  public ResultSet getProcedures(String catalog, String schemaPattern,
      String procedureNamePattern) throws SQLException {
    List<Object[]> out = new ArrayList<>();
    if (matches(schemaPattern, "libra") && (catalog == null || catalog.isEmpty())) {
      Pattern names = like(procedureNamePattern);
      for (String[] p : PROCEDURES) {
        if (names == null || names.matcher(p[0]).matches()) {
          out.add(new Object[] {null, "libra", p[0], null, null, null,
              "CALL libra." + p[0] + "(...): see docs/operations.md", (short) procedureReturnsResult,
              p[0]});
        }
      }
    }
    return rows(cols("PROCEDURE_CAT", V, "PROCEDURE_SCHEM", V, "PROCEDURE_NAME", V, "RESERVED1",
        V, "RESERVED2", V, "RESERVED3", V, "REMARKS", V, "PROCEDURE_TYPE", S, "SPECIFIC_NAME", V),
        out);
  }

  private static boolean matches(String pattern, String value) {
    Pattern p = like(pattern);
    return p == null || p.matcher(value).matches();
  }

  @Override
  public ResultSet getProcedureColumns(String catalog, String schemaPattern,
      String procedureNamePattern, String columnNamePattern) throws SQLException {
    List<Object[]> out = new ArrayList<>();
    if (matches(schemaPattern, "libra") && (catalog == null || catalog.isEmpty())) {
      Pattern names = like(procedureNamePattern);
      Pattern cols = like(columnNamePattern);
      for (String[] p : PROCEDURES) {
        if (names != null && !names.matcher(p[0]).matches()) {
          continue;
        }
        for (int i = 1; i < p.length; i++) {
          if (cols == null || cols.matcher(p[i]).matches()) {
            out.add(new Object[] {null, "libra", p[0], p[i], (short) procedureColumnIn, V,
                "STRING", null, null, null, null, (short) procedureNullable, "", null, null,
                null, null, i, "YES", p[0]});
          }
        }
      }
    }
    return rows(cols("PROCEDURE_CAT", V, "PROCEDURE_SCHEM", V, "PROCEDURE_NAME", V,
        "COLUMN_NAME", V, "COLUMN_TYPE", S, "DATA_TYPE", I, "TYPE_NAME", V, "PRECISION", I,
        "LENGTH", I, "SCALE", S, "RADIX", S, "NULLABLE", S, "REMARKS", V, "COLUMN_DEF", V,
        "SQL_DATA_TYPE", I, "SQL_DATETIME_SUB", I, "CHAR_OCTET_LENGTH", I, "ORDINAL_POSITION", I,
        "IS_NULLABLE", V, "SPECIFIC_NAME", V), out);
  }

  /** Spark's functions ({@code SHOW FUNCTIONS}, run as a statement query). */
  @Override
  public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
      throws SQLException {
    FlightRows r = run(() -> connection.sql().execute("SHOW FUNCTIONS",
        connection.options()));
    Pattern names = like(functionNamePattern);
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : r.rows) {
      String name = row[0] == null ? null : row[0].toString();
      if (name == null || (names != null && !names.matcher(name).matches())) {
        continue;
      }
      String schema = null;
      String simple = name;
      int dot = name.lastIndexOf('.');
      if (dot > 0 && dot < name.length() - 1) {
        schema = name.substring(0, dot);
        simple = name.substring(dot + 1);
      }
      out.add(new Object[] {null, schema, simple, "", (short) functionResultUnknown, name});
    }
    return rows(cols("FUNCTION_CAT", V, "FUNCTION_SCHEM", V, "FUNCTION_NAME", V, "REMARKS", V,
        "FUNCTION_TYPE", S, "SPECIFIC_NAME", V), out);
  }

  @Override
  public ResultSet getFunctionColumns(String catalog, String schemaPattern,
      String functionNamePattern, String columnNamePattern) throws SQLException {
    connection.checkOpen();
    return empty("FUNCTION_CAT", V, "FUNCTION_SCHEM", V, "FUNCTION_NAME", V, "COLUMN_NAME", V,
        "COLUMN_TYPE", S, "DATA_TYPE", I, "TYPE_NAME", V, "PRECISION", I, "LENGTH", I, "SCALE", S,
        "RADIX", S, "NULLABLE", S, "REMARKS", V, "CHAR_OCTET_LENGTH", I, "ORDINAL_POSITION", I,
        "IS_NULLABLE", V, "SPECIFIC_NAME", V);
  }

  @Override
  public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique,
      boolean approximate) throws SQLException {
    connection.checkOpen();
    return empty("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "NON_UNIQUE", B,
        "INDEX_QUALIFIER", V, "INDEX_NAME", V, "TYPE", S, "ORDINAL_POSITION", S, "COLUMN_NAME", V,
        "ASC_OR_DESC", V, "CARDINALITY", L, "PAGES", L, "FILTER_CONDITION", V);
  }

  @Override
  public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope,
      boolean nullable) throws SQLException {
    connection.checkOpen();
    return empty("SCOPE", S, "COLUMN_NAME", V, "DATA_TYPE", I, "TYPE_NAME", V, "COLUMN_SIZE", I,
        "BUFFER_LENGTH", I, "DECIMAL_DIGITS", S, "PSEUDO_COLUMN", S);
  }

  @Override
  public ResultSet getVersionColumns(String catalog, String schema, String table)
      throws SQLException {
    connection.checkOpen();
    return empty("SCOPE", S, "COLUMN_NAME", V, "DATA_TYPE", I, "TYPE_NAME", V, "COLUMN_SIZE", I,
        "BUFFER_LENGTH", I, "DECIMAL_DIGITS", S, "PSEUDO_COLUMN", S);
  }

  @Override
  public ResultSet getTablePrivileges(String catalog, String schemaPattern,
      String tableNamePattern) throws SQLException {
    connection.checkOpen();
    return empty("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "GRANTOR", V, "GRANTEE", V,
        "PRIVILEGE", V, "IS_GRANTABLE", V);
  }

  @Override
  public ResultSet getColumnPrivileges(String catalog, String schema, String table,
      String columnNamePattern) throws SQLException {
    connection.checkOpen();
    return empty("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "COLUMN_NAME", V, "GRANTOR",
        V, "GRANTEE", V, "PRIVILEGE", V, "IS_GRANTABLE", V);
  }

  @Override
  public ResultSet getUDTs(String catalog, String schemaPattern, String typeNamePattern,
      int[] types) throws SQLException {
    connection.checkOpen();
    return empty("TYPE_CAT", V, "TYPE_SCHEM", V, "TYPE_NAME", V, "CLASS_NAME", V, "DATA_TYPE", I,
        "REMARKS", V, "BASE_TYPE", S);
  }

  @Override
  public ResultSet getSuperTypes(String catalog, String schemaPattern, String typeNamePattern)
      throws SQLException {
    connection.checkOpen();
    return empty("TYPE_CAT", V, "TYPE_SCHEM", V, "TYPE_NAME", V, "SUPERTYPE_CAT", V,
        "SUPERTYPE_SCHEM", V, "SUPERTYPE_NAME", V);
  }

  @Override
  public ResultSet getSuperTables(String catalog, String schemaPattern, String tableNamePattern)
      throws SQLException {
    connection.checkOpen();
    return empty("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "SUPERTABLE_NAME", V);
  }

  @Override
  public ResultSet getAttributes(String catalog, String schemaPattern, String typeNamePattern,
      String attributeNamePattern) throws SQLException {
    connection.checkOpen();
    return empty("TYPE_CAT", V, "TYPE_SCHEM", V, "TYPE_NAME", V, "ATTR_NAME", V, "DATA_TYPE", I,
        "ATTR_TYPE_NAME", V, "ATTR_SIZE", I, "DECIMAL_DIGITS", I, "NUM_PREC_RADIX", I,
        "NULLABLE", I, "REMARKS", V, "ATTR_DEF", V, "SQL_DATA_TYPE", I, "SQL_DATETIME_SUB", I,
        "CHAR_OCTET_LENGTH", I, "ORDINAL_POSITION", I, "IS_NULLABLE", V, "SCOPE_CATALOG", V,
        "SCOPE_SCHEMA", V, "SCOPE_TABLE", V, "SOURCE_DATA_TYPE", S);
  }

  @Override
  public ResultSet getClientInfoProperties() throws SQLException {
    connection.checkOpen();
    return empty("NAME", V, "MAX_LEN", I, "DEFAULT_VALUE", V, "DESCRIPTION", V);
  }

  @Override
  public ResultSet getPseudoColumns(String catalog, String schemaPattern,
      String tableNamePattern, String columnNamePattern) throws SQLException {
    connection.checkOpen();
    return empty("TABLE_CAT", V, "TABLE_SCHEM", V, "TABLE_NAME", V, "COLUMN_NAME", V,
        "DATA_TYPE", I, "COLUMN_SIZE", I, "DECIMAL_DIGITS", I, "NUM_PREC_RADIX", I,
        "COLUMN_USAGE", V, "REMARKS", V, "CHAR_OCTET_LENGTH", I, "IS_NULLABLE", V);
  }

  // ---- scalar getters ----

  @Override
  public String getURL() throws SQLException {
    return connection.url();
  }

  @Override
  public String getUserName() throws SQLException {
    return connection.user();
  }

  /** GetSqlInfo FLIGHT_SQL_SERVER_NAME. */
  @Override
  public String getDatabaseProductName() throws SQLException {
    return str(FlightSql.SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE, "Libra");
  }

  /** GetSqlInfo FLIGHT_SQL_SERVER_VERSION. */
  @Override
  public String getDatabaseProductVersion() throws SQLException {
    return str(FlightSql.SqlInfo.FLIGHT_SQL_SERVER_VERSION_VALUE, "0.1.0");
  }

  @Override
  public String getDriverName() {
    return "Libra JDBC driver";
  }

  @Override
  public String getDriverVersion() {
    return LibraDriver.VERSION;
  }

  @Override
  public int getDriverMajorVersion() {
    return 0;
  }

  @Override
  public int getDriverMinorVersion() {
    return 1;
  }

  @Override
  public String getIdentifierQuoteString() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR_VALUE, "`");
  }

  @Override
  public String getSQLKeywords() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_KEYWORDS_VALUE, "");
  }

  @Override
  public String getNumericFunctions() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_NUMERIC_FUNCTIONS_VALUE, "");
  }

  @Override
  public String getStringFunctions() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_STRING_FUNCTIONS_VALUE, "");
  }

  @Override
  public String getSystemFunctions() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_SYSTEM_FUNCTIONS_VALUE, "");
  }

  @Override
  public String getTimeDateFunctions() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_DATETIME_FUNCTIONS_VALUE, "");
  }

  @Override
  public String getSearchStringEscape() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_SEARCH_STRING_ESCAPE_VALUE, "\\");
  }

  @Override
  public String getExtraNameCharacters() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_EXTRA_NAME_CHARACTERS_VALUE, "");
  }

  @Override
  public String getSchemaTerm() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_SCHEMA_TERM_VALUE, "schema");
  }

  @Override
  public String getProcedureTerm() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_PROCEDURE_TERM_VALUE, "procedure");
  }

  @Override
  public String getCatalogTerm() throws SQLException {
    return str(FlightSql.SqlInfo.SQL_CATALOG_TERM_VALUE, "catalog");
  }

  @Override
  public String getCatalogSeparator() {
    return ".";
  }

  @Override
  public int getMaxBinaryLiteralLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_BINARY_LITERAL_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxCharLiteralLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_CHAR_LITERAL_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxColumnNameLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxColumnsInGroupBy() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_COLUMNS_IN_GROUP_BY_VALUE, 0);
  }

  @Override
  public int getMaxColumnsInIndex() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_COLUMNS_IN_INDEX_VALUE, 0);
  }

  @Override
  public int getMaxColumnsInOrderBy() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_COLUMNS_IN_ORDER_BY_VALUE, 0);
  }

  @Override
  public int getMaxColumnsInSelect() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_COLUMNS_IN_SELECT_VALUE, 0);
  }

  @Override
  public int getMaxColumnsInTable() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_COLUMNS_IN_TABLE_VALUE, 0);
  }

  @Override
  public int getMaxConnections() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_CONNECTIONS_VALUE, 0);
  }

  @Override
  public int getMaxCursorNameLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_CURSOR_NAME_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxIndexLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_INDEX_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxSchemaNameLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_DB_SCHEMA_NAME_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxProcedureNameLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_PROCEDURE_NAME_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxCatalogNameLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_CATALOG_NAME_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxRowSize() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_ROW_SIZE_VALUE, 0);
  }

  @Override
  public int getMaxStatementLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_STATEMENT_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxStatements() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_STATEMENTS_VALUE, 0);
  }

  @Override
  public int getMaxTableNameLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_TABLE_NAME_LENGTH_VALUE, 0);
  }

  @Override
  public int getMaxTablesInSelect() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_TABLES_IN_SELECT_VALUE, 0);
  }

  @Override
  public int getMaxUserNameLength() throws SQLException {
    return integer(FlightSql.SqlInfo.SQL_MAX_USERNAME_LENGTH_VALUE, 0);
  }

  @Override
  public int getDefaultTransactionIsolation() {
    return Connection.TRANSACTION_NONE;
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  @Override
  public int getResultSetHoldability() {
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  /** The major number of Spark's version in FLIGHT_SQL_SERVER_VERSION ("0.1.0 (Spark 4.0.1)"). */
  @Override
  public int getDatabaseMajorVersion() throws SQLException {
    return versionPart(0);
  }

  @Override
  public int getDatabaseMinorVersion() throws SQLException {
    return versionPart(1);
  }

  private int versionPart(int i) throws SQLException {
    String v = getDatabaseProductVersion();
    String[] parts = v.replaceAll("[^0-9.].*$", "").split("\\.");
    try {
      return parts.length > i ? Integer.parseInt(parts[i]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public int getJDBCMajorVersion() {
    return 4;
  }

  @Override
  public int getJDBCMinorVersion() {
    return 2;
  }

  @Override
  public int getSQLStateType() {
    return sqlStateSQL;
  }

  @Override
  public RowIdLifetime getRowIdLifetime() {
    return RowIdLifetime.ROWID_UNSUPPORTED;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface.getName(), "HY000");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public boolean allProceduresAreCallable() throws SQLException {
    return false;
  }

  /** GetSqlInfo SQL_ALL_TABLES_ARE_SELECTABLE. */
  @Override
  public boolean allTablesAreSelectable() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_ALL_TABLES_ARE_SELECTABLE_VALUE, true);
  }

  /** GetSqlInfo FLIGHT_SQL_SERVER_READ_ONLY. */
  @Override
  public boolean isReadOnly() throws SQLException {
    return bool(FlightSql.SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY_VALUE, false);
  }

  @Override
  public boolean nullsAreSortedHigh() throws SQLException {
    return false;
  }

  @Override
  public boolean nullsAreSortedLow() throws SQLException {
    return true;
  }

  @Override
  public boolean nullsAreSortedAtStart() throws SQLException {
    return false;
  }

  @Override
  public boolean nullsAreSortedAtEnd() throws SQLException {
    return false;
  }

  @Override
  public boolean usesLocalFiles() throws SQLException {
    return false;
  }

  @Override
  public boolean usesLocalFilePerTable() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsMixedCaseIdentifiers() throws SQLException {
    return false;
  }

  @Override
  public boolean storesUpperCaseIdentifiers() throws SQLException {
    return false;
  }

  @Override
  public boolean storesLowerCaseIdentifiers() throws SQLException {
    return true;
  }

  @Override
  public boolean storesMixedCaseIdentifiers() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsMixedCaseQuotedIdentifiers() throws SQLException {
    return false; // Spark resolves identifiers case-insensitively, quoted or not
  }

  @Override
  public boolean storesUpperCaseQuotedIdentifiers() throws SQLException {
    return false;
  }

  @Override
  public boolean storesLowerCaseQuotedIdentifiers() throws SQLException {
    return true;
  }

  @Override
  public boolean storesMixedCaseQuotedIdentifiers() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsAlterTableWithAddColumn() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsAlterTableWithDropColumn() throws SQLException {
    return true;
  }

  /** GetSqlInfo SQL_SUPPORTS_COLUMN_ALIASING. */
  @Override
  public boolean supportsColumnAliasing() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING_VALUE, true);
  }

  /** GetSqlInfo SQL_NULL_PLUS_NULL_IS_NULL. */
  @Override
  public boolean nullPlusNonNullIsNull() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL_VALUE, true);
  }

  @Override
  public boolean supportsConvert() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsConvert(int arg0, int arg1) throws SQLException {
    return true;
  }

  /** GetSqlInfo SQL_SUPPORTS_TABLE_CORRELATION_NAMES. */
  @Override
  public boolean supportsTableCorrelationNames() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_TABLE_CORRELATION_NAMES_VALUE, true);
  }

  /** GetSqlInfo SQL_SUPPORTS_DIFFERENT_TABLE_CORRELATION_NAMES. */
  @Override
  public boolean supportsDifferentTableCorrelationNames() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_DIFFERENT_TABLE_CORRELATION_NAMES_VALUE, false);
  }

  /** GetSqlInfo SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY. */
  @Override
  public boolean supportsExpressionsInOrderBy() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY_VALUE, true);
  }

  /** GetSqlInfo SQL_SUPPORTS_ORDER_BY_UNRELATED. */
  @Override
  public boolean supportsOrderByUnrelated() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_ORDER_BY_UNRELATED_VALUE, true);
  }

  @Override
  public boolean supportsGroupBy() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsGroupByUnrelated() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsGroupByBeyondSelect() throws SQLException {
    return true;
  }

  /** GetSqlInfo SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE. */
  @Override
  public boolean supportsLikeEscapeClause() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE_VALUE, true);
  }

  @Override
  public boolean supportsMultipleResultSets() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsMultipleTransactions() throws SQLException {
    return true;
  }

  /** GetSqlInfo SQL_SUPPORTS_NON_NULLABLE_COLUMNS. */
  @Override
  public boolean supportsNonNullableColumns() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_NON_NULLABLE_COLUMNS_VALUE, true);
  }

  @Override
  public boolean supportsMinimumSQLGrammar() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsCoreSQLGrammar() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsExtendedSQLGrammar() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsANSI92EntryLevelSQL() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsANSI92IntermediateSQL() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsANSI92FullSQL() throws SQLException {
    return false;
  }

  /** GetSqlInfo SQL_SUPPORTS_INTEGRITY_ENHANCEMENT_FACILITY. */
  @Override
  public boolean supportsIntegrityEnhancementFacility() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SUPPORTS_INTEGRITY_ENHANCEMENT_FACILITY_VALUE, false);
  }

  @Override
  public boolean supportsOuterJoins() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsFullOuterJoins() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsLimitedOuterJoins() throws SQLException {
    return true;
  }

  /** GetSqlInfo SQL_CATALOG_AT_START. */
  @Override
  public boolean isCatalogAtStart() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_CATALOG_AT_START_VALUE, true);
  }

  @Override
  public boolean supportsSchemasInDataManipulation() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsSchemasInProcedureCalls() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsSchemasInTableDefinitions() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsSchemasInIndexDefinitions() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsSchemasInPrivilegeDefinitions() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsCatalogsInDataManipulation() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsCatalogsInProcedureCalls() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsCatalogsInTableDefinitions() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsCatalogsInIndexDefinitions() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsCatalogsInPrivilegeDefinitions() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsPositionedDelete() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsPositionedUpdate() throws SQLException {
    return false;
  }

  /** GetSqlInfo SQL_SELECT_FOR_UPDATE_SUPPORTED. */
  @Override
  public boolean supportsSelectForUpdate() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SELECT_FOR_UPDATE_SUPPORTED_VALUE, false);
  }

  /** GetSqlInfo SQL_STORED_PROCEDURES_SUPPORTED. */
  @Override
  public boolean supportsStoredProcedures() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_STORED_PROCEDURES_SUPPORTED_VALUE, false);
  }

  @Override
  public boolean supportsSubqueriesInComparisons() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsSubqueriesInExists() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsSubqueriesInIns() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsSubqueriesInQuantifieds() throws SQLException {
    return true;
  }

  /** GetSqlInfo SQL_CORRELATED_SUBQUERIES_SUPPORTED. */
  @Override
  public boolean supportsCorrelatedSubqueries() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_CORRELATED_SUBQUERIES_SUPPORTED_VALUE, true);
  }

  @Override
  public boolean supportsUnion() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsUnionAll() throws SQLException {
    return true;
  }

  @Override
  public boolean supportsOpenCursorsAcrossCommit() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsOpenCursorsAcrossRollback() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsOpenStatementsAcrossCommit() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsOpenStatementsAcrossRollback() throws SQLException {
    return false;
  }

  /** GetSqlInfo SQL_MAX_ROW_SIZE_INCLUDES_BLOBS. */
  @Override
  public boolean doesMaxRowSizeIncludeBlobs() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_MAX_ROW_SIZE_INCLUDES_BLOBS_VALUE, false);
  }

  /** GetSqlInfo SQL_TRANSACTIONS_SUPPORTED. */
  @Override
  public boolean supportsTransactions() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_TRANSACTIONS_SUPPORTED_VALUE, false);
  }

  @Override
  public boolean supportsTransactionIsolationLevel(int arg0) throws SQLException {
    return arg0 == Connection.TRANSACTION_NONE;
  }

  @Override
  public boolean supportsDataDefinitionAndDataManipulationTransactions() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsDataManipulationTransactionsOnly() throws SQLException {
    return false;
  }

  /** GetSqlInfo SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT. */
  @Override
  public boolean dataDefinitionCausesTransactionCommit() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT_VALUE, false);
  }

  /** GetSqlInfo SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED. */
  @Override
  public boolean dataDefinitionIgnoredInTransactions() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED_VALUE, true);
  }

  @Override
  public boolean supportsResultSetType(int arg0) throws SQLException {
    return arg0 == ResultSet.TYPE_FORWARD_ONLY;
  }

  @Override
  public boolean supportsResultSetConcurrency(int arg0, int arg1) throws SQLException {
    return arg0 == ResultSet.TYPE_FORWARD_ONLY && arg1 == ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public boolean ownUpdatesAreVisible(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean ownDeletesAreVisible(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean ownInsertsAreVisible(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean othersUpdatesAreVisible(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean othersDeletesAreVisible(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean othersInsertsAreVisible(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean updatesAreDetected(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean deletesAreDetected(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean insertsAreDetected(int arg0) throws SQLException {
    return false;
  }

  @Override
  public boolean supportsBatchUpdates() throws SQLException {
    return true;
  }

  /** GetSqlInfo SQL_SAVEPOINTS_SUPPORTED. */
  @Override
  public boolean supportsSavepoints() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_SAVEPOINTS_SUPPORTED_VALUE, false);
  }

  /** GetSqlInfo SQL_NAMED_PARAMETERS_SUPPORTED. */
  @Override
  public boolean supportsNamedParameters() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_NAMED_PARAMETERS_SUPPORTED_VALUE, false);
  }

  @Override
  public boolean supportsMultipleOpenResults() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsGetGeneratedKeys() throws SQLException {
    return false;
  }

  @Override
  public boolean supportsResultSetHoldability(int arg0) throws SQLException {
    return arg0 == ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  /** GetSqlInfo SQL_LOCATORS_UPDATE_COPY. */
  @Override
  public boolean locatorsUpdateCopy() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_LOCATORS_UPDATE_COPY_VALUE, false);
  }

  @Override
  public boolean supportsStatementPooling() throws SQLException {
    return false;
  }

  /** GetSqlInfo SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED. */
  @Override
  public boolean supportsStoredFunctionsUsingCallSyntax() throws SQLException {
    return bool(FlightSql.SqlInfo.SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED_VALUE, false);
  }

  @Override
  public boolean autoCommitFailureClosesAllResultSets() throws SQLException {
    return false;
  }

  @Override
  public boolean generatedKeyAlwaysReturned() throws SQLException {
    return false;
  }
}
