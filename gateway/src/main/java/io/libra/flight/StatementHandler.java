package io.libra.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.libra.operation.PreparedInfo;
import io.libra.operation.QueryTicket;
import io.libra.operation.SqlBackend;
import io.libra.operation.StatementContext;
import io.libra.operation.StatementKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PollInfo;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutPreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Flight SQL statement RPCs: ad-hoc statements ({@code CommandStatementQuery},
 * {@code CommandStatementUpdate}), prepared statements (create, close, {@code
 * CommandPreparedStatementQuery}, {@code CommandPreparedStatementUpdate}) and {@code DoGet} of a
 * {@code TicketStatementQuery}.
 *
 * <p>A FlightInfo has one endpoint, or for a large result several (groups of its partitions,
 * {@code libra.results.max-endpoints}), each with no location (clients reuse their channel) and a
 * ticket that is a {@code TicketStatementQuery} holding an opaque random handle — never SQL or
 * credentials — read once; {@code expiration_time} says until when an unread ticket is kept,
 * {@code RenewFlightEndpoint} extends it. With executor-direct fetch
 * ({@code libra.results.direct-fetch}) a large unordered result lists one endpoint per executor
 * instead, located at that executor's result server, its ticket a signed
 * {@link io.libra.results.DirectTicket}; those are not renewable.
 */
final class StatementHandler {
  private final SqlBackend backend;
  private final BufferAllocator allocator;
  private final io.libra.metrics.LibraMetrics metrics;

  StatementHandler(SqlBackend backend, BufferAllocator allocator,
      io.libra.metrics.LibraMetrics metrics) {
    this.metrics = metrics;
    this.backend = backend;
    this.allocator = allocator;
  }

  FlightInfo flightInfo(StatementContext ctx, CommandStatementQuery command,
      FlightDescriptor descriptor) throws Exception {
    return toFlightInfo(backend.planQuery(ctx, command.getQuery()), descriptor);
  }

  FlightInfo flightInfo(StatementContext ctx, CommandPreparedStatementQuery command,
      FlightDescriptor descriptor) throws Exception {
    return toFlightInfo(
        backend.planPreparedQuery(ctx, handle(command.getPreparedStatementHandle())), descriptor);
  }

  /** The longest a poll waits for its statement to become ready before answering. */
  static final long POLL_WAIT_MILLIS = 1_000;

  /** {@code PollFlightInfo} of a new query: planned now, run in the background. */
  PollInfo poll(StatementContext ctx, CommandStatementQuery command) throws Exception {
    return pollInfo(ctx, backend.pollQuery(ctx, command.getQuery()));
  }

  /** {@code PollFlightInfo} of a new execution of a prepared query. */
  PollInfo poll(StatementContext ctx, CommandPreparedStatementQuery command) throws Exception {
    return pollInfo(ctx,
        backend.pollPreparedQuery(ctx, handle(command.getPreparedStatementHandle())));
  }

  /** {@code PollFlightInfo} of an earlier poll's retry descriptor. */
  PollInfo poll(StatementContext ctx, TicketStatementQuery retry) throws Exception {
    return pollInfo(ctx, backend.polled(ctx, handle(retry.getStatementHandle())));
  }

  /**
   * Waits up to {@link #POLL_WAIT_MILLIS} for the statement to be ready (the client cancelling
   * this call cancels the statement), then answers: {@code info} with the schema always (its
   * descriptor is the retry descriptor, so CancelFlightInfo of it finds the statement) and the
   * one endpoint once ready; {@code flight_descriptor} (a {@code TicketStatementQuery} naming the
   * statement) while it runs, unset once ready; {@code progress} in [0, 1], 1 once ready; and
   * {@code expiration_time}, when the ticket and retry descriptor are dropped. A failed or
   * cancelled statement answers its error instead.
   */
  private static PollInfo pollInfo(StatementContext ctx, io.libra.operation.PolledQuery query)
      throws Exception {
    boolean ready;
    query.polledNow();
    try (io.libra.operation.CallCancellation.Registration r = ctx.call().onCancel(
        () -> query.cancel("the client cancelled its PollFlightInfo call"))) {
      ready = query.awaitReady(POLL_WAIT_MILLIS);
    }
    query.polledNow();
    byte[] statement = statementTicket(query.ticketId());
    FlightDescriptor retry = FlightDescriptor.command(statement);
    java.util.List<FlightEndpoint> endpoints = ready
        ? java.util.List.of(new FlightEndpoint(new Ticket(statement)))
        : java.util.List.of();
    FlightInfo info = FlightInfo.builder(query.schema(), retry, endpoints)
        .setRecords(-1).setBytes(-1).build();
    return new PollInfo(info, ready ? null : retry, query.progress(), query.expiresAt());
  }

  SchemaResult schema(StatementContext ctx, CommandStatementQuery command) throws Exception {
    return new SchemaResult(backend.schemaOf(ctx, command.getQuery()));
  }

  /** {@code GetSchema(CommandPreparedStatementQuery)}: the schema the statement was prepared with. */
  SchemaResult schema(StatementContext ctx, CommandPreparedStatementQuery command) {
    return new SchemaResult(backend.preparedSchema(ctx,
        handle(command.getPreparedStatementHandle())));
  }

  /**
   * DoGet. The operation is cancelled (with its Spark jobs) as soon as this call's gRPC context is
   * cancelled — unlike the listener's onCancel callback, which gRPC delivers on this call's
   * serialized executor and so only after this method returns.
   */
  void stream(java.util.function.Supplier<StatementContext> ctx, TicketStatementQuery ticket,
      ServerStreamListener listener) {
    try {
      backend.stream(ctx.get(), handle(ticket.getStatementHandle()),
          new FlightResultSink(listener, metrics));
    } catch (Throwable t) {
      listener.error(FlightErrors.toFlight(t));
    }
  }

  /**
   * Cancels the caller's session's query behind each endpoint's ticket; true if any was cancelled
   * now.
   */
  boolean cancel(StatementContext ctx, FlightInfo info) throws Exception {
    if (info.getEndpoints().isEmpty() && info.getDescriptor() != null
        && info.getDescriptor().isCommand()) { // a polled statement not ready yet
      Any any = Any.parseFrom(info.getDescriptor().getCommand());
      if (any.is(TicketStatementQuery.class)) {
        return backend.cancel(ctx, handle(any.unpack(TicketStatementQuery.class)
            .getStatementHandle()));
      }
    }
    boolean cancelled = false;
    java.util.List<byte[]> executorTickets = new java.util.ArrayList<>();
    for (FlightEndpoint e : info.getEndpoints()) {
      if (io.libra.results.DirectTicket.looksLikeOne(e.getTicket().getBytes())) {
        executorTickets.add(e.getTicket().getBytes());
        continue;
      }
      Any any = Any.parseFrom(e.getTicket().getBytes());
      if (!any.is(TicketStatementQuery.class)) {
        throw new IllegalArgumentException("not a Libra statement ticket");
      }
      cancelled |= backend.cancel(ctx, handle(any.unpack(TicketStatementQuery.class)
          .getStatementHandle()));
    }
    if (!executorTickets.isEmpty()) {
      cancelled |= backend.cancelExecutorResults(ctx, executorTickets);
    }
    return cancelled;
  }

  /**
   * {@code RenewFlightEndpoint}: the endpoint back with its new {@code expiration_time} (one
   * ticket TTL from now).
   *
   * @throws io.libra.operation.HandleNotFoundException (NOT_FOUND) when the caller's session holds
   *     no such unread ticket
   */
  FlightEndpoint renew(StatementContext ctx, FlightEndpoint endpoint) throws Exception {
    if (io.libra.results.DirectTicket.looksLikeOne(endpoint.getTicket().getBytes())) {
      throw new IllegalArgumentException("an executor endpoint (libra.results.direct-fetch) is"
          + " not renewable: read it before its expiration_time");
    }
    Any any = Any.parseFrom(endpoint.getTicket().getBytes());
    if (!any.is(TicketStatementQuery.class)) {
      throw new IllegalArgumentException("not a Libra statement ticket");
    }
    java.time.Duration ttl = backend.renew(ctx,
        handle(any.unpack(TicketStatementQuery.class).getStatementHandle()));
    return new FlightEndpoint(endpoint.getTicket(), java.time.Instant.now().plus(ttl)
        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
        endpoint.getLocations().toArray(new org.apache.arrow.flight.Location[0]));
  }

  void createPrepared(StatementContext ctx, ActionCreatePreparedStatementRequest request,
      StreamListener<Result> listener) throws Exception {
    PreparedInfo info = backend.prepare(ctx, request.getQuery());
    ActionCreatePreparedStatementResult.Builder result = ActionCreatePreparedStatementResult
        .newBuilder().setPreparedStatementHandle(handleBytes(info.handle()));
    if (info.kind() == StatementKind.QUERY) {
      result.setDatasetSchema(ByteString.copyFrom(CatalogHandler.serialize(info.datasetSchema())));
    }
    if (!info.parameterSchema().getFields().isEmpty()) {
      result.setParameterSchema(
          ByteString.copyFrom(CatalogHandler.serialize(info.parameterSchema())));
    }
    listener.onNext(new Result(Any.pack(result.build()).toByteArray()));
    listener.onCompleted();
  }

  void closePrepared(StatementContext ctx, ActionClosePreparedStatementRequest request,
      StreamListener<Result> listener) {
    backend.closePrepared(ctx, handle(request.getPreparedStatementHandle()));
    listener.onCompleted();
  }

  Runnable update(StatementContext ctx, CommandStatementUpdate command, FlightStream stream,
      StreamListener<PutResult> ack) {
    // No parameters: the client (FlightSqlClient.executeUpdate) keeps its side open until it has
    // the result, so the stream must not be drained here.
    return () -> respond(ack, () -> backend.executeUpdate(ctx, command.getQuery()));
  }

  /** DoPut of a prepared update: each parameter row sent is one execution. */
  Runnable update(StatementContext ctx, CommandPreparedStatementUpdate command,
      FlightStream stream, StreamListener<PutResult> ack) {
    return () -> respond(ack, () -> backend.executePreparedUpdate(ctx,
        handle(command.getPreparedStatementHandle()), ParameterRows.read(stream)));
  }

  /**
   * DoPut of parameters for a prepared query: binds the rows and answers
   * {@code DoPutPreparedStatementResult} with the handle to execute (a new one carrying them).
   */
  Runnable bind(StatementContext ctx, CommandPreparedStatementQuery command, FlightStream stream,
      StreamListener<PutResult> ack) {
    return () -> answer(ack, () -> {
      String bound = backend.bind(ctx, handle(command.getPreparedStatementHandle()),
          ParameterRows.read(stream));
      return DoPutPreparedStatementResult.newBuilder()
          .setPreparedStatementHandle(handleBytes(bound)).build().toByteArray();
    });
  }

  private void respond(StreamListener<PutResult> ack, PutResults.Update update) {
    PutResults.updateCount(allocator, ack, update);
  }

  private void answer(StreamListener<PutResult> ack, PutResults.Answer answer) {
    PutResults.answer(allocator, ack, answer);
  }

  /** {@code Any{TicketStatementQuery{statement_handle}}}: a ticket, or a poll's retry command. */
  private static byte[] statementTicket(String handle) {
    return Any.pack(TicketStatementQuery.newBuilder().setStatementHandle(handleBytes(handle))
        .build()).toByteArray();
  }

  /**
   * The FlightInfo of a planned statement: one endpoint with its ticket. For DDL and DML, which
   * ran while planning, {@code app_metadata} is a Flight SQL {@code DoPutUpdateResult} with the
   * rows changed (-1 unknown) — the message {@code DoPut} answers for
   * {@code CommandStatementUpdate} — so a client that executes every statement with
   * {@code GetFlightInfo} (JDBC's {@code execute}) learns it was an update and its count without
   * a second path; the endpoint's stream is empty.
   */
  private static FlightInfo toFlightInfo(QueryTicket ticket, FlightDescriptor descriptor) {
    java.util.List<FlightEndpoint> endpoints = new java.util.ArrayList<>();
    java.time.Instant expires = ticket.ttl() == null ? null
        : java.time.Instant.now().plus(ticket.ttl()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    for (int i = 0; ticket.direct() != null && i < ticket.direct().size(); i++) {
      io.libra.results.ExecutorResults.Endpoint e = ticket.direct().get(i);
      endpoints.add(new FlightEndpoint(new Ticket(e.ticket()), expires,
          new org.apache.arrow.flight.Location(java.net.URI.create(e.uri()))));
    }
    for (int i = 0; ticket.direct() == null && i < ticket.endpoints(); i++) {
      Ticket t = new Ticket(statementTicket(ticket.endpointHandle(i)));
      endpoints.add(expires == null ? new FlightEndpoint(t) : new FlightEndpoint(t, expires));
    }
    Schema schema = ticket.schema();
    FlightInfo.Builder info = FlightInfo.builder(schema, descriptor, endpoints)
        .setRecords(-1).setBytes(-1).setOrdered(ticket.ordered());
    if (ticket.update()) {
      info.setAppMetadata(org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult
          .newBuilder().setRecordCount(ticket.updateCount()).build().toByteArray());
    }
    return info.build();
  }

  private static ByteString handleBytes(String handle) {
    return ByteString.copyFrom(handle, StandardCharsets.UTF_8);
  }

  private static String handle(ByteString bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }

}
