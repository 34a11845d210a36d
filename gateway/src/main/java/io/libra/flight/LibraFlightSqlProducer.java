package io.libra.flight;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.libra.operation.SqlBackend;
import java.util.List;
import org.apache.arrow.flight.CallStatus;
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
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Libra's Flight SQL producer: a thin dispatcher from each Flight SQL command to a handler
 * ({@link StatementHandler}, {@link CatalogHandler}, {@link LibraSqlInfo}); every failure goes
 * through {@link FlightErrors}. Commands not overridden here answer UNIMPLEMENTED (Arrow's
 * {@code NoOpFlightSqlProducer}). FlightInfos of metadata commands are built by
 * {@link BasicFlightSqlProducer} with {@link #determineEndpoints}.
 */
public final class LibraFlightSqlProducer extends BasicFlightSqlProducer {
  private final BufferAllocator allocator;
  private final StatementHandler statements;
  private final CatalogHandler catalog;
  private final SqlInfoBuilder sqlInfo;

  /** @param allocator parent of every per-call allocator; the caller closes it after the server */
  public LibraFlightSqlProducer(SqlBackend backend, BufferAllocator allocator) {
    this.allocator = allocator;
    this.statements = new StatementHandler(backend, allocator);
    this.catalog = new CatalogHandler(backend.session());
    this.sqlInfo = LibraSqlInfo.build(backend.session().version());
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

  // ---- statements ----

  @Override
  public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return translate(() -> statements.flightInfo(command, descriptor));
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command,
      CallContext context, FlightDescriptor descriptor) {
    return translate(() -> statements.flightInfo(command, descriptor));
  }

  @Override
  public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return translate(() -> statements.schema(command));
  }

  @Override
  public void getStreamStatement(TicketStatementQuery ticket, CallContext context,
      ServerStreamListener listener) {
    statements.stream(ticket, listener);
  }

  @Override
  public void getStreamPreparedStatement(CommandPreparedStatementQuery command,
      CallContext context, ServerStreamListener listener) {
    listener.error(CallStatus.INVALID_ARGUMENT.withDescription(
        "DoGet takes the ticket from the prepared statement's FlightInfo").toRuntimeException());
  }

  @Override
  public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context,
      FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return statements.update(command, flightStream, ackStream);
  }

  @Override
  public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command,
      CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return statements.update(command, flightStream, ackStream);
  }

  @Override
  public void createPreparedStatement(ActionCreatePreparedStatementRequest request,
      CallContext context, StreamListener<Result> listener) {
    try {
      statements.createPrepared(request, listener);
    } catch (Throwable t) {
      listener.onError(FlightErrors.toFlight(t));
    }
  }

  @Override
  public void closePreparedStatement(ActionClosePreparedStatementRequest request,
      CallContext context, StreamListener<Result> listener) {
    try {
      statements.closePrepared(request, listener);
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
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    metadataStream("catalogs", listener, a -> catalog.catalogs(a, listener));
  }

  @Override
  public void getStreamSchemas(CommandGetDbSchemas command, CallContext context,
      ServerStreamListener listener) {
    metadataStream("schemas", listener, a -> catalog.schemas(command, a, listener));
  }

  @Override
  public void getStreamTables(CommandGetTables command, CallContext context,
      ServerStreamListener listener) {
    metadataStream("tables", listener, a -> catalog.tables(command, a, listener));
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    metadataStream("table-types", listener, a -> catalog.tableTypes(a, listener));
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

  @Override
  public void close() {
    // The allocator belongs to the server that created this producer.
  }
}
