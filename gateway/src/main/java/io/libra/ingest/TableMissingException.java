package io.libra.ingest;

/** A bulk ingest in mode "append" found no such table (Flight NOT_FOUND). */
public final class TableMissingException extends RuntimeException {
  public TableMissingException(String table) {
    super("table " + table + " does not exist (ingest mode append; use create or create_append)");
  }
}
