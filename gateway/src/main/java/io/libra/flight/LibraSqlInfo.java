package io.libra.flight;

import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedElementActions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedGroupBy;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetType;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedSubqueries;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedUnions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedSqlGrammar;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedAnsi92SqlGrammarLevel;

/**
 * Answers {@code CommandGetSqlInfo} (Flight SQL {@code SqlInfo} ids): server identity and the SQL
 * dialect facts the JDBC driver reads on connect and for {@code DatabaseMetaData}.
 */
final class LibraSqlInfo {
  /** Spark SQL keywords that are not SQL:2003 keywords (JDBC getSQLKeywords). */
  static final String[] KEYWORDS = {"ANTI", "CACHE", "CLUSTER", "DATABASE", "DATABASES",
      "DBPROPERTIES", "DELIMITED", "DESCRIBE", "DISTRIBUTE", "EXPLAIN", "FORMATTED", "FUNCTIONS",
      "LAZY", "LIMIT", "LIST", "LOCATION", "MSCK", "NAMESPACE", "NAMESPACES", "OVERWRITE",
      "PARTITIONED", "PIVOT", "REFRESH", "RLIKE", "SEMI", "SHOW", "SORT", "TABLESAMPLE",
      "TBLPROPERTIES", "UNCACHE", "UNPIVOT", "USE", "VIEWS"};
  /** JDBC escape-clause function names Spark implements, by category. */
  static final String[] NUMERIC_FUNCTIONS = {"ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "CEILING",
      "COS", "COT", "DEGREES", "EXP", "FLOOR", "LOG", "LOG10", "MOD", "PI", "POWER", "RADIANS",
      "RAND", "ROUND", "SIGN", "SIN", "SQRT", "TAN", "TRUNCATE"};
  static final String[] STRING_FUNCTIONS = {"ASCII", "CHAR", "CONCAT", "LCASE", "LEFT",
      "LENGTH", "LOCATE", "LTRIM", "REPEAT", "REPLACE", "RIGHT", "RTRIM", "SPACE", "SUBSTRING",
      "UCASE"};
  static final String[] SYSTEM_FUNCTIONS = {"DATABASE", "IFNULL", "USER"};
  static final String[] DATETIME_FUNCTIONS = {"CURDATE", "CURRENT_DATE", "CURRENT_TIMESTAMP",
      "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "HOUR", "MINUTE", "MONTH", "NOW", "QUARTER",
      "SECOND", "TIMESTAMPADD", "TIMESTAMPDIFF", "WEEK", "YEAR"};

  private LibraSqlInfo() {}

  static SqlInfoBuilder build(String sparkVersion) {
    return new SqlInfoBuilder()
        .withFlightSqlServerName("Libra")
        .withFlightSqlServerVersion(LibraSqlInfo.class.getPackage().getImplementationVersion() != null
            ? LibraSqlInfo.class.getPackage().getImplementationVersion() + " (Spark " + sparkVersion + ")"
            : "0.1.0 (Spark " + sparkVersion + ")")
        .withFlightSqlServerArrowVersion(org.apache.arrow.vector.types.pojo.Schema.class.getPackage()
            .getImplementationVersion() == null ? "18.1.0"
            : org.apache.arrow.vector.types.pojo.Schema.class.getPackage().getImplementationVersion())
        .withFlightSqlServerReadOnly(false)
        .withFlightSqlServerSql(true)
        .withFlightSqlServerSubstrait(false)
        .withFlightSqlServerTransaction(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
        .withFlightSqlServerCancel(true)
        .withFlightSqlServerBulkIngestion(true)
        .withFlightSqlServerBulkIngestionTransaction(false)
        .withFlightSqlServerStatementTimeout(0)
        .withFlightSqlServerTransactionTimeout(0)
        .withSqlIdentifierQuoteChar("`")
        .withSqlSearchStringEscape("\\")
        .withSqlExtraNameCharacters("")
        .withSqlSchemaTerm("schema")
        .withSqlCatalogTerm("catalog")
        .withSqlProcedureTerm("procedure")
        .withSqlDdlCatalog(false)
        .withSqlDdlSchema(true)
        .withSqlDdlTable(true)
        .withSqlIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
        .withSqlQuotedIdentifierCase(
            SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
        .withSqlNullOrdering(SqlNullOrdering.SQL_NULLS_SORTED_AT_START)
        .withSqlAllTablesAreSelectable(true)
        .withSqlSupportsColumnAliasing(true)
        .withSqlNullPlusNullIsNull(true)
        .withSqlSupportsTableCorrelationNames(true)
        .withSqlSupportsDifferentTableCorrelationNames(false)
        .withSqlSupportsExpressionsInOrderBy(true)
        .withSqlSupportsOrderByUnrelated(true)
        .withSqlSupportsLikeEscapeClause(true)
        .withSqlSupportsNonNullableColumns(true)
        .withSqlSupportsIntegrityEnhancementFacility(false)
        .withSqlCatalogAtStart(true)
        .withSqlSelectForUpdateSupported(false)
        .withSqlStoredProceduresSupported(false)
        .withSqlCorrelatedSubqueriesSupported(true)
        .withSqlMaxRowSizeIncludesBlobs(false)
        .withSqlTransactionsSupported(false)
        .withSqlDataDefinitionCausesTransactionCommit(false)
        .withSqlDataDefinitionsInTransactionsIgnored(true)
        .withSqlBatchUpdatesSupported(false)
        .withSqlSavepointsSupported(false)
        .withSqlNamedParametersSupported(false)
        .withSqlLocatorsUpdateCopy(false)
        .withSqlStoredFunctionsUsingCallSyntaxSupported(false)
        .withSqlSupportedGrammar(SupportedSqlGrammar.SQL_CORE_GRAMMAR)
        .withSqlAnsi92SupportedLevel(SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL)
        .withSqlMaxColumnNameLength(0)
        .withSqlMaxTableNameLength(0)
        .withSqlMaxStatementLength(0)
        .withSqlMaxConnections(0)
        .withSqlDefaultTransactionIsolation(0)
        // 0 = no limit / unknown, as JDBC defines for the getMax* getters.
        .withSqlMaxBinaryLiteralLength(0)
        .withSqlMaxCharLiteralLength(0)
        .withSqlMaxColumnsInGroupBy(0)
        .withSqlMaxColumnsInIndex(0)
        .withSqlMaxColumnsInOrderBy(0)
        .withSqlMaxColumnsInSelect(0)
        .withSqlMaxColumnsInTable(0)
        .withSqlMaxCursorNameLength(0)
        .withSqlMaxIndexLength(0)
        .withSqlDbSchemaNameLength(0)
        .withSqlMaxProcedureNameLength(0)
        .withSqlMaxCatalogNameLength(0)
        .withSqlMaxRowSize(0)
        .withSqlMaxStatements(0)
        .withSqlMaxTablesInSelect(0)
        .withSqlMaxUsernameLength(0)
        .withSqlSupportedGroupBy(SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED,
            SqlSupportedGroupBy.SQL_GROUP_BY_BEYOND_SELECT)
        .withSqlOuterJoinSupportLevel(SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS)
        .withSqlSchemasSupportedActions(SqlSupportedElementActions.SQL_ELEMENT_IN_PROCEDURE_CALLS)
        .withSqlCatalogsSupportedActions(
            SqlSupportedElementActions.SQL_ELEMENT_IN_PROCEDURE_CALLS)
        .withSqlSupportedPositionedCommands()
        .withSqlSubQueriesSupported(SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_QUANTIFIEDS)
        .withSqlSupportedUnions(SqlSupportedUnions.SQL_UNION, SqlSupportedUnions.SQL_UNION_ALL)
        .withSqlSupportedTransactionsIsolationLevels(
            SqlTransactionIsolationLevel.SQL_TRANSACTION_NONE)
        .withSqlSupportedResultSetTypes(
            SqlSupportedResultSetType.SQL_RESULT_SET_TYPE_FORWARD_ONLY)
        .withSqlSupportsConvert(java.util.Map.of())
        .withSqlKeywords(KEYWORDS)
        .withSqlNumericFunctions(NUMERIC_FUNCTIONS)
        .withSqlStringFunctions(STRING_FUNCTIONS)
        .withSqlSystemFunctions(SYSTEM_FUNCTIONS)
        .withSqlDatetimeFunctions(DATETIME_FUNCTIONS);
  }
}
