package io.libra.operation;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What {@code GetFlightInfo} returns for a query: the ticket id to put in
 * {@code TicketStatementQuery.statement_handle} and the result schema.
 */
public record QueryTicket(String ticketId, Schema schema) {}
