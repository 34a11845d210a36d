package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Protocol-level checks with Arrow's own FlightSqlClient. */
class FlightSqlClientTest {
  private static TestGateway gateway;
  private static BufferAllocator allocator;
  private static FlightClient flight;
  private static FlightSqlClient sql;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.get();
    allocator = new RootAllocator();
    flight = FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build();
    sql = new FlightSqlClient(flight);
  }

  @AfterAll
  static void stop() throws Exception {
    sql.close();
    allocator.close();
    // Everything the server allocated for streams and metadata is released.
    gateway.assertAllocatorReleased();
  }

  /** Reads every batch of every endpoint; returns total rows and checks the stream schema. */
  private static long readAll(FlightInfo info) throws Exception {
    long rows = 0;
    for (FlightEndpoint e : info.getEndpoints()) {
      try (FlightStream stream = sql.getStream(e.getTicket())) {
        assertEquals(info.getSchemaOptional().orElseThrow(), stream.getSchema());
        while (stream.next()) {
          rows += stream.getRoot().getRowCount();
        }
      }
    }
    return rows;
  }

  /**
   * DDL and DML through GetFlightInfo say what they did: app_metadata is a Flight SQL
   * DoPutUpdateResult with the rows changed; a query's FlightInfo has none.
   */
  @Test
  void updatesCarryTheirCountInAppMetadata() throws Exception {
    String table = "app_md_" + System.nanoTime();
    FlightInfo create = sql.execute("CREATE TABLE " + table + " (id INT) USING parquet");
    readAll(create);
    FlightInfo insert = sql.execute("INSERT INTO " + table + " VALUES (1), (2), (3)");
    assertEquals(3, org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult
        .parseFrom(insert.getAppMetadata()).getRecordCount());
    assertEquals(0, readAll(insert), "an update's stream is empty");
    FlightInfo select = sql.execute("SELECT * FROM " + table);
    assertTrue(select.getAppMetadata() == null || select.getAppMetadata().length == 0);
    assertEquals(3, readAll(select));
    readAll(sql.execute("DROP TABLE " + table));
  }

  @Test
  void emptyResultIsOneEndpointWithTheRealSchema() throws Exception {
    FlightInfo info = sql.execute("SELECT id, CAST(id AS STRING) s FROM range(0)");
    assertEquals(1, info.getEndpoints().size());
    assertTrue(info.getEndpoints().get(0).getLocations().isEmpty(),
        "endpoints must not advertise a location");
    Schema schema = info.getSchemaOptional().orElseThrow();
    assertEquals(List.of("id", "s"), schema.getFields().stream().map(f -> f.getName()).toList());
    assertEquals(0, readAll(info));
  }

  @Test
  void flightInfoSchemaEqualsStreamSchemaForEveryType() throws Exception {
    FlightInfo info = sql.execute("SELECT CAST(1 AS TINYINT) a, CAST(2 AS SMALLINT) b, 3 c, 4L d,"
        + " CAST(1.5 AS FLOAT) e, 2.5D f, CAST(1.25 AS DECIMAL(10,2)) g, 'x' h, X'01' i, true j,"
        + " DATE'2020-01-01' k, TIMESTAMP'2020-01-01 00:00:00' l,"
        + " TIMESTAMP_NTZ'2020-01-01 00:00:00' m, CAST(NULL AS INT) n FROM range(5)");
    assertEquals(5, readAll(info));
    Schema schema = info.getSchemaOptional().orElseThrow();
    assertEquals("DECIMAL(10,2)",
        schema.findField("g").getMetadata().get("ARROW:FLIGHT:SQL:TYPE_NAME"));
    assertEquals("UTC", ((org.apache.arrow.vector.types.pojo.ArrowType.Timestamp)
        schema.findField("l").getType()).getTimezone());
  }

  @Test
  void variantTravelsAsJsonText() throws Exception {
    FlightInfo info = sql.execute("SELECT parse_json('{\"a\":1,\"b\":[true,null]}') AS v, 7 AS n");
    Schema schema = info.getSchemaOptional().orElseThrow();
    assertEquals(org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE,
        schema.findField("v").getType());
    assertEquals("VARIANT", schema.findField("v").getMetadata().get("ARROW:FLIGHT:SQL:TYPE_NAME"));
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      assertEquals(schema, s.getSchema());
      assertTrue(s.next());
      assertEquals("{\"a\":1,\"b\":[true,null]}", s.getRoot().getVector("v").getObject(0).toString());
      assertEquals(7, s.getRoot().getVector("n").getObject(0));
    }
  }

  @Test
  void allNullColumnsStream() throws Exception {
    FlightInfo info = sql.execute("SELECT NULL AS n, CAST(NULL AS VOID) AS v FROM range(3)");
    assertEquals(3, readAll(info));
  }

  @Test
  void batchesAreBoundedByBytes() throws Exception {
    // 2,000 rows of 100 kB: without the byte bound one batch would be 200 MB.
    FlightInfo info = sql.execute("SELECT repeat('x', 100000) AS s FROM range(2000)");
    long rows = 0;
    long maxBatchBytes = 0;
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        VarCharVector v = (VarCharVector) stream.getRoot().getVector("s");
        rows += stream.getRoot().getRowCount();
        maxBatchBytes = Math.max(maxBatchBytes, v.getDataBuffer().writerIndex());
        assertEquals(100000, v.get(0).length);
      }
    }
    assertEquals(2000, rows);
    assertTrue(maxBatchBytes <= 16L << 20, "largest batch " + maxBatchBytes + " bytes");
  }

  @Test
  void unknownOrReusedTicketIsNotFound() throws Exception {
    TicketStatementQuery bogus = TicketStatementQuery.newBuilder()
        .setStatementHandle(ByteString.copyFromUtf8("no-such-handle")).build();
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> {
      try (FlightStream s = sql.getStream(new Ticket(Any.pack(bogus).toByteArray()))) {
        s.next();
      }
    });
    assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());

    FlightInfo info = sql.execute("SELECT 1");
    assertEquals(1, readAll(info));
    FlightRuntimeException again = assertThrows(FlightRuntimeException.class, () -> readAll(info));
    assertEquals(FlightStatusCode.NOT_FOUND, again.status().code());
  }

  @Test
  void xdbcTypeInfoListsSparkTypesOrderedByJdbcType() throws Exception {
    // (The 18.3.0 JDBC driver does not call GetXdbcTypeInfo for getTypeInfo; ODBC/ADBC do.)
    FlightInfo info = sql.getXdbcTypeInfo();
    List<String> names = new java.util.ArrayList<>();
    int last = Integer.MIN_VALUE;
    try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
      assertEquals(info.getSchemaOptional().orElseThrow(), s.getSchema());
      while (s.next()) {
        for (int i = 0; i < s.getRoot().getRowCount(); i++) {
          names.add(s.getRoot().getVector("type_name").getObject(i).toString());
          int type = (Integer) s.getRoot().getVector("data_type").getObject(i);
          assertTrue(type >= last, "ordered by data_type");
          last = type;
          if (names.get(names.size() - 1).equals("DECIMAL")) {
            assertEquals(38, s.getRoot().getVector("column_size").getObject(i));
            assertEquals(List.of("precision", "scale"), ((List<?>) s.getRoot()
                .getVector("create_params").getObject(i)).stream().map(Object::toString).toList());
          }
        }
      }
    }
    assertTrue(names.containsAll(List.of("BIGINT", "STRING", "DECIMAL", "DATE", "TIMESTAMP",
        "TIMESTAMP_NTZ", "BOOLEAN", "BINARY")), names.toString());
    FlightInfo dates = sql.getXdbcTypeInfo(java.sql.Types.DATE);
    try (FlightStream s = sql.getStream(dates.getEndpoints().get(0).getTicket())) {
      assertTrue(s.next());
      assertEquals(1, s.getRoot().getRowCount());
      assertEquals("DATE", s.getRoot().getVector("type_name").getObject(0).toString());
    }
  }

  @Test
  void parameterBatchRunsOncePerRowAndConcatenates() throws Exception {
    try (FlightSqlClient.PreparedStatement ps = sql.prepare("SELECT ? * 2 AS doubled")) {
      Schema params = ps.getParameterSchema();
      assertEquals(1, params.getFields().size());
      // No parameters bound: a clear INVALID_ARGUMENT from the server.
      FlightRuntimeException none = assertThrows(FlightRuntimeException.class, ps::execute);
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, none.status().code());
      assertTrue(none.getMessage().contains("no parameter values were bound"), none.getMessage());
      try (org.apache.arrow.vector.VectorSchemaRoot root =
          org.apache.arrow.vector.VectorSchemaRoot.create(params, allocator)) {
        org.apache.arrow.vector.IntVector v = (org.apache.arrow.vector.IntVector) root.getVector(0);
        v.allocateNew(4);
        for (int i = 0; i < 4; i++) {
          v.set(i, i + 1);
        }
        root.setRowCount(4);
        ps.setParameters(root);
        FlightInfo info = ps.execute();
        List<Integer> values = new java.util.ArrayList<>();
        try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket())) {
          while (s.next()) {
            for (int i = 0; i < s.getRoot().getRowCount(); i++) {
              values.add((Integer) s.getRoot().getVector(0).getObject(i));
            }
          }
        }
        java.util.Collections.sort(values);
        assertEquals(List.of(2, 4, 6, 8), values);
      }
    }
  }

  @Test
  void malformedTicketsDescriptorsAndActionsAreInvalidArgument() throws Exception {
    FlightRuntimeException ticket = assertThrows(FlightRuntimeException.class, () -> {
      try (FlightStream s = flight.getStream(new Ticket("garbage".getBytes()))) {
        s.next();
      }
    });
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, ticket.status().code());
    FlightRuntimeException path = assertThrows(FlightRuntimeException.class,
        () -> flight.getInfo(org.apache.arrow.flight.FlightDescriptor.path("a", "b")));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, path.status().code());
    // Action bodies that are not their Flight.proto message (Arrow's producer says INTERNAL).
    for (String type : new String[] {"CancelFlightInfo", "CloseSession", "SetSessionOptions",
        "GetSessionOptions", "RenewFlightEndpoint"}) {
      FlightRuntimeException action = assertThrows(FlightRuntimeException.class, () -> {
        var results = flight.doAction(new org.apache.arrow.flight.Action(type,
            new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
        while (results.hasNext()) {
          results.next();
        }
      }, type);
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, action.status().code(), type);
      assertTrue(action.getMessage().contains("malformed " + type), action.getMessage());
    }
    assertEquals(1, readAll(sql.execute("SELECT 1")), "the server is still up");
  }

  @Test
  void badSqlIsInvalidArgument() {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> sql.execute("SELEC 1"));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code());
    assertTrue(e.getMessage().contains("PARSE_SYNTAX_ERROR"), e.getMessage());
    assertTrue(e.getMessage().contains("42601"), e.getMessage());
  }

  @Test
  void preparedStatementsAnalyseWithoutExecutingAndCloseIdempotently() throws Exception {
    sql.executeUpdate("DROP TABLE IF EXISTS fsc_prep");
    try (FlightSqlClient.PreparedStatement create =
        sql.prepare("CREATE TABLE fsc_prep (id INT) USING parquet")) {
      assertTrue(create.getResultSetSchema().getFields().isEmpty(), "DDL has no dataset schema");
      // Preparing did not run it.
      assertFalse(gateway.spark.catalog().tableExists("default.fsc_prep"));
      assertEquals(0, create.executeUpdate());
      assertTrue(gateway.spark.catalog().tableExists("default.fsc_prep"));
    }
    FlightSqlClient.PreparedStatement query = sql.prepare("SELECT count(*) AS n FROM fsc_prep");
    assertEquals("n", query.getResultSetSchema().getFields().get(0).getName());
    assertEquals(1, readAll(query.execute()));
    query.close();
    query.close();
    sql.executeUpdate("DROP TABLE fsc_prep");
  }

  @Test
  void getSchemaOfAPreparedStatementRunsNothing() throws Exception {
    sql.executeUpdate("DROP TABLE IF EXISTS fsc_schema");
    sql.executeUpdate("CREATE TABLE fsc_schema (id INT, name STRING) USING parquet");
    try (JobRecorder jobs = new JobRecorder(gateway.spark.sparkContext());
        FlightSqlClient.PreparedStatement query = sql.prepare(
            "SELECT id, upper(name) AS up, java_method('java.lang.Thread', 'sleep', 600000L) AS z"
                + " FROM fsc_schema WHERE id > ?");
        FlightSqlClient.PreparedStatement insert = sql.prepare(
            "INSERT INTO fsc_schema VALUES (1, 'a')")) {
      jobs.drain();
      int before = jobs.started.size();
      Schema schema = query.fetchSchema().getSchema();
      assertEquals(query.getResultSetSchema(), schema);
      assertEquals(List.of("id", "up", "z"),
          schema.getFields().stream().map(f -> f.getName()).toList());
      assertTrue(insert.fetchSchema().getSchema().getFields().isEmpty(), "an update has none");
      jobs.drain();
      assertEquals(before, jobs.started.size(), "GetSchema started Spark jobs");
      assertEquals(0, readAll(sql.execute("SELECT * FROM fsc_schema")), "the INSERT did not run");
    }
    // An unknown (or closed) handle is NOT_FOUND.
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> flight.getSchema(org.apache.arrow.flight.FlightDescriptor.command(Any.pack(
            org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery.newBuilder()
                .setPreparedStatementHandle(ByteString.copyFromUtf8("no-such-handle")).build())
            .toByteArray())));
    assertEquals(FlightStatusCode.NOT_FOUND, e.status().code(), e.getMessage());
    sql.executeUpdate("DROP TABLE fsc_schema");
  }

  @Test
  void ddlSentAsQueryRunsOnceAndReturnsNoColumns() throws Exception {
    sql.executeUpdate("DROP TABLE IF EXISTS fsc_q");
    FlightInfo info = sql.execute("CREATE TABLE fsc_q (id INT) USING parquet");
    assertTrue(info.getSchemaOptional().orElseThrow().getFields().isEmpty());
    assertEquals(0, readAll(info));
    assertTrue(gateway.spark.catalog().tableExists("default.fsc_q"));
    sql.executeUpdate("DROP TABLE fsc_q");
  }
}
