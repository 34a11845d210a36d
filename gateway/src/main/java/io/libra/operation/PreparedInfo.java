package io.libra.operation;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A new prepared statement: its handle and {@code dataset_schema} (empty for updates).
 */
public record PreparedInfo(String handle, StatementKind kind, Schema datasetSchema) {}
