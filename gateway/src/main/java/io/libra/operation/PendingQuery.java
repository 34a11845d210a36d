package io.libra.operation;

import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;

/**
 * A query planned by {@code GetFlightInfo} and waiting for its {@code DoGet}.
 *
 * @param sql the statement text (for logs and the Spark job description)
 * @param dataset the analysed (not yet executed) Dataset; {@code null} for a statement that returns
 *     no columns (an update sent as a query, already executed)
 * @param arrowSchema the schema announced in the FlightInfo; the stream uses exactly this one
 */
public record PendingQuery(String sql, Dataset<Row> dataset, Schema arrowSchema) {}
