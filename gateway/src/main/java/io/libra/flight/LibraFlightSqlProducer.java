package io.libra.flight;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.libra.ingest.TableIngest;
import io.libra.operation.SqlBackend;
import io.libra.operation.StatementContext;
import io.libra.session.ClientSession;
import io.libra.session.PoolAssigner;
import io.libra.session.SessionManager;
import java.util.List;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.sql.CancelResult;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.BasicFlightSqlProducer;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Libra's Flight SQL producer: a thin dispatcher from each Flight SQL command to a handler
 * ({@link StatementHandler}, {@link IngestHandler}, {@link CatalogHandler}, {@link LibraSqlInfo});
 * every failure goes
 * through {@link FlightErrors}. Commands not overridden here answer UNIMPLEMENTED (Arrow's
 * {@code NoOpFlightSqlProducer}). FlightInfos of metadata commands are built by
 * {@link BasicFlightSqlProducer} with {@link #determineEndpoints}.
 */
public final class LibraFlightSqlProducer extends BasicFlightSqlProducer {
  private final BufferAllocator allocator;
  private final SqlBackend backend;
  private final StatementHandler statements;
  private final CallSessions calls;
  private final SessionManager sessions;
  private final SessionOptionsHandler sessionOptions;
  private final SqlInfoBuilder sqlInfo;
  private final IngestHandler ingest;
  private final FirstMessageWatchdog putWatchdog;

  /**
   * @param allocator parent of every per-call allocator; the caller closes it after the server
   * @param sparkVersion reported in {@code FLIGHT_SQL_SERVER_VERSION}
   * @param putFirstMessageTimeout how long a DoPut call may wait for its first message
   */
  public LibraFlightSqlProducer(SqlBackend backend, TableIngest ingest, SessionManager sessions,
      PoolAssigner pools, BufferAllocator allocator, String sparkVersion,
      java.time.Duration putFirstMessageTimeout, List<String> sessionLookups,
      io.libra.metrics.LibraMetrics metrics) {
    this.backend = backend;
    this.putWatchdog = new FirstMessageWatchdog(putFirstMessageTimeout);
    this.allocator = allocator;
    this.sessions = sessions;
    this.statements = new StatementHandler(backend, allocator, metrics);
    this.calls = new CallSessions(sessions, pools, sessionLookups);
    this.sessionOptions = new SessionOptionsHandler(pools);
    this.sqlInfo = LibraSqlInfo.build(sparkVersion);
    this.ingest = new IngestHandler(ingest, allocator);
  }

  private StatementContext ctx(CallContext context) {
    return calls.statement(context);
  }


  @Override
  protected <T extends Message> List<FlightEndpoint> determineEndpoints(T request,
      FlightDescriptor descriptor, Schema schema) {
    return List.of(new FlightEndpoint(new Ticket(Any.pack(request).toByteArray())));
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> T translate(Call<T> call) {
    try {
      return call.run();
    } catch (Throwable t) {
      throw FlightErrors.toFlight(t);
    }
  }

  private interface StreamCall {
    void run(BufferAllocator child) throws Exception;
  }

  private void metadataStream(String name, ServerStreamListener listener, StreamCall call) {
    try (BufferAllocator child = allocator.newChildAllocator(name, 0, Long.MAX_VALUE)) {
      try {
        call.run(child);
      } catch (Throwable t) {
        listener.error(FlightErrors.toFlight(t));
      }
    }
  }

  private interface CatalogCall {
    void run(CatalogHandler catalog, BufferAllocator child, ServerStreamListener listener)
        throws Exception;
  }

  /**
   * A metadata call that reads Spark's catalog, run as a statement of the caller's session
   * ({@link SqlBackend#metadata}: admission, pool, job tag, cancel with its call or session).
   */
  private void catalogStatement(String name, CallContext context, ServerStreamListener listener,
      CatalogCall call) {
    try (BufferAllocator child = allocator.newChildAllocator(name, 0, Long.MAX_VALUE)) {
      try {
        StatementContext ctx = ctx(context);
        backend.metadata(ctx, "Flight SQL " + name, completing -> {
          call.run(new CatalogHandler(ctx.session().spark()), child,
              new CompletingListener(listener, completing));
          return null;
        });
      } catch (Throwable t) {
        listener.error(FlightErrors.toFlight(t));
      }
    }
  }

  // ---- malformed requests: INVALID_ARGUMENT instead of Arrow's INTERNAL ----

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    try {
      Any.parseFrom(ticket.getBytes());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      listener.error(CallStatus.INVALID_ARGUMENT.withDescription(
          "the ticket is not a Flight SQL ticket").toRuntimeException());
      return;
    }
    super.getStream(context, ticket, listener);
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    requireCommand(descriptor);
    return super.getFlightInfo(context, descriptor);
  }

  /**
   * PollFlightInfo: {@code CommandStatementQuery} or {@code CommandPreparedStatementQuery} submit
   * a query that runs in the background; the retry descriptor of an earlier answer (a
   * {@code TicketStatementQuery}) polls it again ({@link StatementHandler#poll}).
   */
  @Override
  public org.apache.arrow.flight.PollInfo pollFlightInfo(CallContext context,
      FlightDescriptor descriptor) {
    requireCommand(descriptor);
    return translate(() -> {
      Any any = Any.parseFrom(descriptor.getCommand());
      try {
        return poll(context, any);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("malformed PollFlightInfo command: "
            + e.getMessage()).toRuntimeException();
      }
    });
  }

  private org.apache.arrow.flight.PollInfo poll(CallContext context, Any any) throws Exception {
    if (any.is(CommandStatementQuery.class)) {
      return statements.poll(ctx(context), any.unpack(CommandStatementQuery.class));
    }
    if (any.is(CommandPreparedStatementQuery.class)) {
      return statements.poll(ctx(context), any.unpack(CommandPreparedStatementQuery.class));
    }
    if (any.is(TicketStatementQuery.class)) {
      return statements.poll(ctx(context), any.unpack(TicketStatementQuery.class));
    }
    throw CallStatus.INVALID_ARGUMENT.withDescription("PollFlightInfo takes a query"
        + " (CommandStatementQuery, CommandPreparedStatementQuery) or the retry descriptor of"
        + " an earlier PollInfo").toRuntimeException();
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    requireCommand(descriptor);
    return super.getSchema(context, descriptor);
  }

  @Override
  public void doAction(CallContext context, org.apache.arrow.flight.Action action,
      StreamListener<Result> listener) {
    ActionBodies.requireParsable(action);
    try {
      super.doAction(context, action, listener);
    } catch (org.apache.arrow.flight.FlightRuntimeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("malformed " + action.getType()
          + " request: " + e.getMessage()).toRuntimeException();
    }
  }

  // ---- statements ----

  @Override
  public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return translate(() -> statements.flightInfo(ctx(context), command, descriptor));
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command,
      CallContext context, FlightDescriptor descriptor) {
    return translate(() -> statements.flightInfo(ctx(context), command, descriptor));
  }

  @Override
  public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return translate(() -> statements.schema(ctx(context), command));
  }

  /** GetSchema of a prepared statement: its dataset schema, nothing run; unknown: NOT_FOUND. */
  @Override
  public SchemaResult getSchemaPreparedStatement(CommandPreparedStatementQuery command,
      CallContext context, FlightDescriptor descriptor) {
    return translate(() -> statements.schema(ctx(context), command));
  }

  @Override
  public void getStreamStatement(TicketStatementQuery ticket, CallContext context,
      ServerStreamListener listener) {
    statements.stream(() -> ctx(context), ticket, listener);
  }

  @Override
  public void getStreamPreparedStatement(CommandPreparedStatementQuery command,
      CallContext context, ServerStreamListener listener) {
    listener.error(CallStatus.INVALID_ARGUMENT.withDescription(
        "DoGet takes the ticket from the prepared statement's FlightInfo").toRuntimeException());
  }

  /** DoPut: the first message (the command) must come in time ({@link FirstMessageWatchdog}). */
  @Override
  public Runnable acceptPut(CallContext context, FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    putWatchdog.awaitFirstMessage(flightStream);
    requireCommand(flightStream.getDescriptor());
    return super.acceptPut(context, flightStream, ackStream);
  }

  /**
   * GetFlightInfo and DoPut take Flight SQL commands only: a path descriptor, or a command that
   * is not a protobuf {@code Any}, is INVALID_ARGUMENT (Arrow would answer INTERNAL).
   */
  private static void requireCommand(FlightDescriptor descriptor) {
    if (!descriptor.isCommand()) {
      throw CallStatus.INVALID_ARGUMENT.withDescription(
          "Libra serves Flight SQL commands; path descriptors are not supported")
          .toRuntimeException();
    }
    try {
      Any.parseFrom(descriptor.getCommand());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw CallStatus.INVALID_ARGUMENT.withDescription(
          "the descriptor's command is not a Flight SQL command").toRuntimeException();
    }
  }

  @Override
  public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context,
      FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return translate(() -> statements.update(ctx(context), command, flightStream, ackStream));
  }

  @Override
  public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command,
      CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return translate(() -> statements.update(ctx(context), command, flightStream, ackStream));
  }

  @Override
  public Runnable acceptPutStatementBulkIngest(CommandStatementIngest command,
      CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return translate(() -> ingest.ingest(ctx(context), command, flightStream, ackStream));
  }

  @Override
  public Runnable acceptPutPreparedStatementQuery(CommandPreparedStatementQuery command,
      CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return translate(() -> statements.bind(ctx(context), command, flightStream, ackStream));
  }

  @Override
  public void createPreparedStatement(ActionCreatePreparedStatementRequest request,
      CallContext context, StreamListener<Result> listener) {
    try {
      statements.createPrepared(ctx(context), request, listener);
    } catch (Throwable t) {
      listener.onError(FlightErrors.toFlight(t));
    }
  }

  @Override
  public void closePreparedStatement(ActionClosePreparedStatementRequest request,
      CallContext context, StreamListener<Result> listener) {
    try {
      statements.closePrepared(ctx(context), request, listener);
    } catch (Throwable t) {
      listener.onError(FlightErrors.toFlight(t));
    }
  }

  // ---- metadata ----

  @Override
  public void getStreamSqlInfo(CommandGetSqlInfo command, CallContext context,
      ServerStreamListener listener) {
    sqlInfo.send(command.getInfoList(), listener);
  }

  @Override
  public void getStreamTypeInfo(CommandGetXdbcTypeInfo command, CallContext context,
      ServerStreamListener listener) {
    metadataStream("type-info", listener, a -> new TypeInfoHandler().send(command, a, listener));
  }

  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    catalogStatement("GetCatalogs", context, listener, (c, a, l) -> c.catalogs(a, l));
  }

  @Override
  public void getStreamSchemas(CommandGetDbSchemas command, CallContext context,
      ServerStreamListener listener) {
    catalogStatement("GetDbSchemas", context, listener, (c, a, l) -> c.schemas(command, a, l));
  }

  @Override
  public void getStreamTables(CommandGetTables command, CallContext context,
      ServerStreamListener listener) {
    catalogStatement("GetTables", context, listener, (c, a, l) -> c.tables(command, a, l));
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    catalogStatement("GetTableTypes", context, listener, (c, a, l) -> c.tableTypes(a, l));
  }

  // Spark has no primary or foreign keys: these answer empty results in the exact schemas.

  @Override
  public void getStreamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context,
      ServerStreamListener listener) {
    metadataStream("primary-keys", listener, a -> empty(Schemas.GET_PRIMARY_KEYS_SCHEMA, a, listener));
  }

  @Override
  public void getStreamImportedKeys(CommandGetImportedKeys command, CallContext context,
      ServerStreamListener listener) {
    metadataStream("imported-keys", listener, a -> empty(Schemas.GET_IMPORTED_KEYS_SCHEMA, a, listener));
  }

  @Override
  public void getStreamExportedKeys(CommandGetExportedKeys command, CallContext context,
      ServerStreamListener listener) {
    metadataStream("exported-keys", listener, a -> empty(Schemas.GET_EXPORTED_KEYS_SCHEMA, a, listener));
  }

  @Override
  public void getStreamCrossReference(CommandGetCrossReference command, CallContext context,
      ServerStreamListener listener) {
    metadataStream("cross-reference", listener,
        a -> empty(Schemas.GET_CROSS_REFERENCE_SCHEMA, a, listener));
  }

  private static void empty(Schema schema, BufferAllocator allocator,
      ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      listener.start(root);
      listener.completed();
    }
  }

  // ---- sessions and cancellation ----

  /** Answers a unary action with one result, or the translated error. */
  private static <T> void single(StreamListener<T> listener, Call<T> call) {
    try {
      listener.onNext(call.run());
      listener.onCompleted();
    } catch (Throwable t) {
      listener.onError(FlightErrors.toFlight(t));
    }
  }

  @Override
  public void setSessionOptions(SetSessionOptionsRequest request, CallContext context,
      StreamListener<SetSessionOptionsResult> listener) {
    single(listener, () -> sessionOptions.set(calls.session(context), request));
  }

  @Override
  public void getSessionOptions(GetSessionOptionsRequest request, CallContext context,
      StreamListener<GetSessionOptionsResult> listener) {
    single(listener, () -> {
      StatementContext ctx = ctx(context);
      return sessionOptions.get(ctx.session(), ctx.pool());
    });
  }

  @Override
  public void closeSession(CloseSessionRequest request, CallContext context,
      StreamListener<CloseSessionResult> listener) {
    single(listener, () -> {
      // Only the caller's own session (its cookie, token or connection); none, or one closed
      // already: NOT_FOUND, as the Flight RPC spec says for CloseSession.
      ClientSession own = calls.existingSession(context);
      if (own == null || !sessions.close(own.id())) {
        throw CallStatus.NOT_FOUND.withDescription("this call has no open session to close")
            .toRuntimeException();
      }
      SessionCookieMiddleware call = context.getMiddleware(SessionCookieMiddleware.KEY);
      if (own.id().equals(call.cookieSessionId())) {
        call.expireCookie();
      }
      return new CloseSessionResult(CloseSessionResult.Status.CLOSED);
    });
  }

  @Override
  public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context,
      StreamListener<CancelStatus> listener) {
    single(listener, () -> {
      try {
        return statements.cancel(ctx(context), request.getInfo()) ? CancelStatus.CANCELLED
            : CancelStatus.NOT_CANCELLABLE;
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("malformed ticket or descriptor in"
            + " CancelFlightInfo: " + e.getMessage()).toRuntimeException();
      }
    });
  }

  @Override
  public void renewFlightEndpoint(org.apache.arrow.flight.RenewFlightEndpointRequest request,
      CallContext context, StreamListener<org.apache.arrow.flight.FlightEndpoint> listener) {
    single(listener, () -> {
      try {
        return statements.renew(ctx(context), request.getFlightEndpoint());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("malformed ticket in"
            + " RenewFlightEndpoint: " + e.getMessage()).toRuntimeException();
      }
    });
  }

  @Override
  @SuppressWarnings("deprecation")
  public void cancelQuery(FlightInfo info, CallContext context,
      StreamListener<CancelResult> listener) {
    single(listener, () -> statements.cancel(ctx(context), info) ? CancelResult.CANCELLED
          : CancelResult.NOT_CANCELLABLE);
  }

  @Override
  public void close() {
    // The allocator belongs to the server that created this producer.
  }
}
