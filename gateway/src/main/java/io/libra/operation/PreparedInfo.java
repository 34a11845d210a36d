package io.libra.operation;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A new prepared statement: its handle, {@code dataset_schema} (empty for updates) and
 * {@code parameter_schema} (one field per {@code ?} marker, empty when there is none).
 */
public record PreparedInfo(String handle, StatementKind kind, Schema datasetSchema,
    Schema parameterSchema) {}
