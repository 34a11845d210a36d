package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failed statement's Flight error carries its SQLSTATE and error class as error metadata
 * (trailers {@code sqlstate}, {@code error-class}, and the rich status
 * {@code grpc-status-details-bin}), as Arrow's FlightSqlClient shows them in
 * {@code FlightRuntimeException.status().metadata()}: at planning (GetFlightInfo) and while the
 * result streams (DoGet).
 */
class ErrorMetadataTest {
  private static BufferAllocator allocator;
  private static FlightSqlClient sql;

  @BeforeAll
  static void start() throws Exception {
    TestGateway gateway = TestGateway.get();
    allocator = new RootAllocator();
    sql = new FlightSqlClient(FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build());
  }

  @AfterAll
  static void stop() throws Exception {
    sql.close();
    allocator.close();
  }

  private static ErrorFlightMetadata planningError(String statement, FlightStatusCode code) {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> sql.execute(statement));
    assertEquals(code, e.status().code(), e.getMessage());
    assertNotNull(e.status().metadata(), "no error metadata: " + e.getMessage());
    return e.status().metadata();
  }

  @Test
  void missingTableNamesSqlstateAndErrorClass() throws Exception {
    ErrorFlightMetadata m = planningError("SELECT * FROM no_such_table_anywhere",
        FlightStatusCode.INVALID_ARGUMENT);
    assertEquals("42P01", m.get("sqlstate"));
    assertEquals("TABLE_OR_VIEW_NOT_FOUND", m.get("error-class"));
    // The standard rich status: the same code and message, and an ErrorInfo with both.
    com.google.rpc.Status rich = com.google.rpc.Status.parseFrom(
        m.getByte("grpc-status-details-bin"));
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT.value(), rich.getCode());
    assertTrue(rich.getMessage().contains("no_such_table_anywhere"), rich.getMessage());
    com.google.rpc.ErrorInfo info = rich.getDetails(0).unpack(com.google.rpc.ErrorInfo.class);
    assertEquals("TABLE_OR_VIEW_NOT_FOUND", info.getReason());
    assertEquals("libra", info.getDomain());
    assertEquals("42P01", info.getMetadataOrThrow("sqlstate"));
  }

  @Test
  void syntaxErrorNamesSqlstateAndErrorClass() {
    ErrorFlightMetadata m = planningError("SELEC 1", FlightStatusCode.INVALID_ARGUMENT);
    assertEquals("42601", m.get("sqlstate"));
    assertEquals("PARSE_SYNTAX_ERROR", m.get("error-class"));
  }

  @Test
  void missingColumnNamesSqlstateAndErrorClass() {
    ErrorFlightMetadata m = planningError("SELECT no_such_column FROM range(1)",
        FlightStatusCode.INVALID_ARGUMENT);
    assertEquals("42703", m.get("sqlstate"));
    assertEquals("UNRESOLVED_COLUMN.WITH_SUGGESTION", m.get("error-class"));
  }

  @Test
  void runtimeErrorWhileStreamingNamesSqlstateAndErrorClass() throws Exception {
    FlightInfo info = sql.execute("SELECT 1 / (id - 3) AS x FROM range(0, 10, 1, 1)");
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> {
      try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
        while (s.next()) {
          // the division by zero fails the stream
        }
      }
    });
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code(), e.getMessage());
    assertNotNull(e.status().metadata(), "no error metadata: " + e.getMessage());
    assertEquals("22012", e.status().metadata().get("sqlstate"));
    assertEquals("DIVIDE_BY_ZERO", e.status().metadata().get("error-class"));
  }

  @Test
  void anUnknownHandleIsNotFoundWithoutSqlstate() {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> {
      try (FlightStream s = sql.getStream(new org.apache.arrow.flight.Ticket(
          com.google.protobuf.Any.pack(org.apache.arrow.flight.sql.impl.FlightSql
              .TicketStatementQuery.newBuilder().setStatementHandle(
                  com.google.protobuf.ByteString.copyFromUtf8("nope")).build()).toByteArray()))) {
        s.next();
      }
    });
    assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
    assertTrue(e.status().metadata() == null || !e.status().metadata().containsKey("sqlstate"));
  }
}
