package io.libra.ingest;

/** A bulk ingest in mode "create" found its table already there (Flight ALREADY_EXISTS). */
public final class TableExistsException extends RuntimeException {
  public TableExistsException(String table) {
    super("table " + table + " already exists (ingest mode create; use append, replace or"
        + " create_append)");
  }
}
