package io.libra.operation;

import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;

/**
 * A query planned by {@code GetFlightInfo} and waiting for the {@code DoGet} of its endpoints.
 *
 * @param context session and pool the stream runs in
 * @param operation the operation that will stream it (PENDING until read; its id is the ticket)
 * @param dataset the analysed (not yet executed) Dataset; {@code null} for a statement that returns
 *     no columns (an update sent as a query, already executed)
 * @param arrowSchema the schema announced in the FlightInfo; the stream uses exactly this one
 * @param reads its endpoints (one, or groups of its partitions) and which have been read
 */
public record PendingQuery(StatementContext context, Operation operation, Dataset<Row> dataset,
    Schema arrowSchema, EndpointReads reads) {

  /** A query of one endpoint. */
  public PendingQuery(StatementContext context, Operation operation, Dataset<Row> dataset,
      Schema arrowSchema) {
    this(context, operation, dataset, arrowSchema, EndpointReads.single());
  }
}
