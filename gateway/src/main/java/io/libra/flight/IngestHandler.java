package io.libra.flight;

import io.libra.ingest.IngestRequest;
import io.libra.ingest.TableIngest;
import io.libra.operation.StatementContext;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * {@code DoPut(CommandStatementIngest)}: bulk ingest of the uploaded record batches into a Spark
 * table ({@link TableIngest}), answered with {@code DoPutUpdateResult} (rows ingested).
 *
 * <p>{@code TableDefinitionOptions} map to ADBC's modes: create (not exist: create, exists:
 * fail → ALREADY_EXISTS), append (fail → NOT_FOUND, append), replace (create, replace),
 * create_append (create, append); unspecified means create / fail. Rejected explicitly:
 * {@code temporary=true} and {@code transaction_id} (UNIMPLEMENTED: Spark tables have neither),
 * and any entry in {@code options} (INVALID_ARGUMENT naming it).
 */
final class IngestHandler {
  private final TableIngest ingest;
  private final BufferAllocator allocator;

  IngestHandler(TableIngest ingest, BufferAllocator allocator) {
    this.ingest = ingest;
    this.allocator = allocator;
  }

  Runnable ingest(StatementContext ctx, CommandStatementIngest command, FlightStream stream,
      StreamListener<PutResult> ack) {
    TableIngest.BatchSource source = source(stream);
    return () -> PutResults.updateCount(allocator, ack,
        () -> ingest.ingest(ctx, request(command), source));
  }

  static IngestRequest request(CommandStatementIngest c) {
    if (c.getTemporary()) {
      throw new UnsupportedOperationException("bulk ingest into a temporary table is not"
          + " supported: Libra ingests into catalog tables (ingest without temporary=true)");
    }
    if (c.hasTransactionId()) {
      throw new UnsupportedOperationException("transactions are not supported (Spark tables"
          + " have none): ingest without a transaction id");
    }
    if (c.getOptionsCount() > 0) {
      throw new IllegalArgumentException("unsupported bulk ingest options "
          + c.getOptionsMap().keySet() + ": Libra takes none");
    }
    TableDefinitionOptions o = c.getTableDefinitionOptions();
    IngestRequest.IfExists ifExists = switch (o.getIfExists()) {
      case TABLE_EXISTS_OPTION_APPEND -> IngestRequest.IfExists.APPEND;
      case TABLE_EXISTS_OPTION_REPLACE -> IngestRequest.IfExists.REPLACE;
      case TABLE_EXISTS_OPTION_FAIL, TABLE_EXISTS_OPTION_UNSPECIFIED -> IngestRequest.IfExists.FAIL;
      default -> throw new IllegalArgumentException("unknown if_exists option " + o.getIfExists());
    };
    IngestRequest.IfMissing ifMissing = switch (o.getIfNotExist()) {
      case TABLE_NOT_EXIST_OPTION_FAIL -> IngestRequest.IfMissing.FAIL;
      case TABLE_NOT_EXIST_OPTION_CREATE, TABLE_NOT_EXIST_OPTION_UNSPECIFIED ->
          IngestRequest.IfMissing.CREATE;
      default -> throw new IllegalArgumentException("unknown if_not_exist option "
          + o.getIfNotExist());
    };
    return new IngestRequest(c.hasCatalog() && !c.getCatalog().isEmpty() ? c.getCatalog() : null,
        c.hasSchema() && !c.getSchema().isEmpty() ? c.getSchema() : null, c.getTable(),
        ifExists, ifMissing);
  }

  /** The upload as a batch source; called on the DoPut call's thread (its gRPC context). */
  private static TableIngest.BatchSource source(FlightStream stream) {
    io.grpc.Context call = io.grpc.Context.current();
    return new TableIngest.BatchSource() {
      @Override
      public boolean clientGone() {
        return call.isCancelled();
      }

      @Override
      public Schema schema() {
        return stream.getSchema();
      }

      @Override
      public boolean next() {
        return stream.next();
      }

      @Override
      public VectorSchemaRoot root() {
        return stream.getRoot();
      }
    };
  }
}
