package io.libra.ingest;

/**
 * What a bulk ingest asks for (Flight SQL {@code CommandStatementIngest}): the target table, in
 * the given catalog and schema or the session's current ones when null, and what to do when it
 * exists or not (its {@code TableDefinitionOptions}).
 *
 * @param catalog catalog name, or null for the session's current catalog
 * @param schema schema (database) name, or null for the session's current schema
 * @param table table name, never blank
 */
public record IngestRequest(String catalog, String schema, String table, IfExists ifExists,
    IfMissing ifMissing) {

  /** {@code TableExistsOption}: FAIL is ALREADY_EXISTS. */
  public enum IfExists { FAIL, APPEND, REPLACE }

  /** {@code TableNotExistOption}: FAIL is NOT_FOUND. */
  public enum IfMissing { CREATE, FAIL }

  public IngestRequest {
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException("bulk ingest needs a target table name");
    }
  }
}
