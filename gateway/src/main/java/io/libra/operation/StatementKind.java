package io.libra.operation;

/** Whether a statement returns rows (a result set) or only an update count. */
public enum StatementKind {
  /** SELECT, SHOW, DESCRIBE, EXPLAIN, {@code SET k=v}: a non-empty result schema. */
  QUERY,
  /** DDL and DML: no result set, an update count ({@code DoPutUpdateResult.record_count}). */
  UPDATE
}
