package io.libra.operation;

import java.time.Duration;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What {@code GetFlightInfo} returns for a statement: the ticket id to put in
 * {@code TicketStatementQuery.statement_handle} and the result schema; for DDL and DML (which ran
 * while planning, with no result) {@code update} is true and {@code updateCount} the rows it
 * changed (-1 when Spark does not say).
 *
 * @param endpoints how many endpoints the FlightInfo lists: with more than one, endpoint
 *     {@code i}'s handle is {@link #endpointHandle}
 * @param ordered FlightInfo's {@code ordered}: the rows are in the query's order
 * @param ttl how long its unread endpoints are kept (the endpoints' {@code expiration_time})
 * @param direct executor endpoints (location and signed ticket each) when the result was stored
 *     on the executors for direct fetch ({@code libra.results.direct-fetch}), else null
 */
public record QueryTicket(String ticketId, Schema schema, boolean update, long updateCount,
    int endpoints, boolean ordered, Duration ttl,
    java.util.List<io.libra.results.ExecutorResults.Endpoint> direct) {
  /** Endpoints the gateway serves. */
  public QueryTicket(String ticketId, Schema schema, boolean update, long updateCount,
      int endpoints, boolean ordered, Duration ttl) {
    this(ticketId, schema, update, updateCount, endpoints, ordered, ttl, null);
  }

  /** A query's ticket. */
  public QueryTicket(String ticketId, Schema schema) {
    this(ticketId, schema, false, -1);
  }

  /** One endpoint. */
  public QueryTicket(String ticketId, Schema schema, boolean update, long updateCount) {
    this(ticketId, schema, update, updateCount, 1, false, null);
  }

  /** The handle of endpoint {@code index}: the statement id alone for a single endpoint. */
  public String endpointHandle(int index) {
    return endpoints == 1 ? ticketId : ticketId + "/" + index;
  }
}
