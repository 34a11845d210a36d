package io.libra.operation;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What {@code GetFlightInfo} returns for a statement: the ticket id to put in
 * {@code TicketStatementQuery.statement_handle} and the result schema; for DDL and DML (which ran
 * while planning, with no result) {@code update} is true and {@code updateCount} the rows it
 * changed (-1 when Spark does not say).
 */
public record QueryTicket(String ticketId, Schema schema, boolean update, long updateCount) {
  /** A query's ticket. */
  public QueryTicket(String ticketId, Schema schema) {
    this(ticketId, schema, false, -1);
  }
}
