package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import io.libra.operation.Operation;
import io.libra.operation.OperationState;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.RenewFlightEndpointRequest;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A large result's FlightInfo lists several endpoints (here {@code libra.results.max-endpoints=4}
 * and one endpoint per KiB of estimate, so any large result gets four), each a contiguous group of
 * its partitions read with its own DoGet: read in parallel by FlightSqlClient, and through both
 * JDBC drivers, they give exactly in-process Spark's rows; each ticket is read once; a sorted
 * result keeps one endpoint and says {@code ordered}; unread endpoints end with their statement
 * (session closed, ticket expired, cancelled); RenewFlightEndpoint extends an unread one.
 */
class MultiEndpointTest {
  private static final long ROWS = 400_000;
  /** Eight partitions of 50,000 rows: endpoint i reads partitions 2i and 2i+1. */
  private static final String SQL = "SELECT id, id * 1.5D AS d, CAST(id AS STRING) AS s"
      + " FROM range(0, " + ROWS + ", 1, 8)";
  private static final int TTL_SECONDS = 6;

  private static LibraServer server;
  private static RootAllocator allocator;
  private static FlightClient flight;
  private static FlightSqlClient sql;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("libra-endpoints-");
    server = LibraServer.start(LibraConfig.load(dir, dir, Map.of(), Map.of(
        "libra.server.port", "0", "libra.work-dir", dir.toString(),
        "libra.results.max-endpoints", "4", "libra.results.bytes-per-endpoint", "1024",
        "libra.statement.ticket-ttl-seconds", Integer.toString(TTL_SECONDS))),
        TestGateway.get().spark);
    allocator = new RootAllocator();
    flight = FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", server.port())).build();
    sql = new FlightSqlClient(flight);
  }

  @AfterAll
  static void stop() throws Exception {
    sql.close();
    allocator.close();
    server.close();
  }

  /** The ids, sum of d and checked strings of one endpoint's stream. */
  private record Part(List<Long> ids, double sumD) {}

  private static Part read(FlightSqlClient client, FlightEndpoint endpoint) throws Exception {
    List<Long> ids = new ArrayList<>();
    double sum = 0;
    try (FlightStream s = client.getStream(endpoint.getTicket())) {
      while (s.next()) {
        BigIntVector id = (BigIntVector) s.getRoot().getVector(0);
        Float8Vector d = (Float8Vector) s.getRoot().getVector(1);
        VarCharVector str = (VarCharVector) s.getRoot().getVector(2);
        for (int i = 0; i < id.getValueCount(); i++) {
          ids.add(id.get(i));
          sum += d.get(i);
          assertEquals(Long.toString(id.get(i)), new String(str.get(i),
              java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    return new Part(ids, sum);
  }

  private static Operation operationOf(FlightInfo info) throws Exception {
    String handle = com.google.protobuf.Any.parseFrom(info.getEndpoints().get(0).getTicket()
        .getBytes()).unpack(TicketStatementQuery.class).getStatementHandle().toStringUtf8();
    return server.operation(handle.substring(0, handle.indexOf('/')));
  }

  private static void awaitClosed(Operation op, OperationState expected) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (op.finalState() == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, op.finalState(), "statement " + op.publicId() + " ended");
  }

  @Test
  void fourEndpointsReadInParallelGiveSparksRowsEachItsPartitions() throws Exception {
    FlightInfo info = sql.execute(SQL);
    assertEquals(4, info.getEndpoints().size());
    assertFalse(info.getOrdered());
    for (FlightEndpoint e : info.getEndpoints()) {
      assertTrue(e.getLocations().isEmpty(), "the client's own channel");
      assertTrue(e.getExpirationTime().isPresent());
    }
    Operation op = operationOf(info);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Part>> parts = new ArrayList<>();
      for (FlightEndpoint e : info.getEndpoints()) {
        parts.add(pool.submit(() -> read(sql, e)));
      }
      double sum = 0;
      for (int i = 0; i < 4; i++) {
        Part p = parts.get(i).get();
        // Contiguous partitions: endpoint i has ids [i·100,000, (i+1)·100,000) in order.
        assertEquals(ROWS / 4, p.ids().size(), "endpoint " + i);
        for (int k = 0; k < p.ids().size(); k++) {
          assertEquals(i * (ROWS / 4) + k, (long) p.ids().get(k));
        }
        sum += p.sumD();
      }
      double spark = TestGateway.get().spark.sql("SELECT sum(d) FROM (" + SQL + ")")
          .first().getDouble(0);
      assertEquals(spark, sum, 1e-6);
    } finally {
      pool.shutdownNow();
    }
    awaitClosed(op, OperationState.FINISHED);
    assertEquals(ROWS, op.rowsSent());
    TestGateway.awaitAllocatorReleased(server);
  }

  @Test
  void eachEndpointTicketIsReadOnceAndNeverAsTheBareStatement() throws Exception {
    FlightInfo info = sql.execute(SQL);
    Operation op = operationOf(info);
    String handle = com.google.protobuf.Any.parseFrom(info.getEndpoints().get(0).getTicket()
        .getBytes()).unpack(TicketStatementQuery.class).getStatementHandle().toStringUtf8();
    Ticket bare = new Ticket(com.google.protobuf.Any.pack(TicketStatementQuery.newBuilder()
        .setStatementHandle(com.google.protobuf.ByteString.copyFromUtf8(
            handle.substring(0, handle.indexOf('/')))).build()).toByteArray());
    assertNotFound(() -> drain(bare));
    Ticket beyond = new Ticket(com.google.protobuf.Any.pack(TicketStatementQuery.newBuilder()
        .setStatementHandle(com.google.protobuf.ByteString.copyFromUtf8(
            handle.substring(0, handle.indexOf('/')) + "/4")).build()).toByteArray());
    assertNotFound(() -> drain(beyond));
    // An endpoint has one spelling: no sign, leading zero or non-ASCII digit reads it.
    for (String forged : new String[] {"00", "+1", "\u0663", "\uff12", "-0", "1/2", ""}) {
      Ticket t = new Ticket(com.google.protobuf.Any.pack(TicketStatementQuery.newBuilder()
          .setStatementHandle(com.google.protobuf.ByteString.copyFromUtf8(
              handle.substring(0, handle.indexOf('/') + 1) + forged)).build()).toByteArray());
      assertNotFound(() -> drain(t));
    }
    for (FlightEndpoint e : info.getEndpoints()) {
      assertEquals(ROWS / 4, read(sql, e).ids().size());
    }
    assertNotFound(() -> read(sql, info.getEndpoints().get(2)));
    awaitClosed(op, OperationState.FINISHED);
    TestGateway.awaitAllocatorReleased(server);
  }

  private static void drain(Ticket t) throws Exception {
    try (FlightStream s = sql.getStream(t)) {
      while (s.next()) {
        // read it all
      }
    }
  }

  private static void assertNotFound(org.junit.jupiter.api.function.Executable call) {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, call);
    assertEquals(CallStatus.NOT_FOUND.code(), e.status().code(), e.getMessage());
  }

  @Test
  void sortedAndSmallResultsKeepOneEndpoint() throws Exception {
    FlightInfo sorted = sql.execute(SQL + " ORDER BY id DESC");
    assertEquals(1, sorted.getEndpoints().size());
    assertTrue(sorted.getOrdered());
    Part p = read(sql, sorted.getEndpoints().get(0));
    assertEquals(ROWS, p.ids().size());
    assertEquals(ROWS - 1, (long) p.ids().get(0));
    // A plan whose partition count is known caps the endpoints: a limit or one slice is one.
    FlightInfo limited = sql.execute(SQL + " LIMIT 300000");
    assertEquals(1, limited.getEndpoints().size());
    assertEquals(300_000, read(sql, limited.getEndpoints().get(0)).ids().size());
    FlightInfo twoSlices = sql.execute(SQL.replace(", 1, 8)", ", 1, 2)"));
    assertEquals(2, twoSlices.getEndpoints().size());
    assertEquals(ROWS / 2, read(sql, twoSlices.getEndpoints().get(0)).ids().size());
    assertEquals(ROWS / 2, read(sql, twoSlices.getEndpoints().get(1)).ids().size());
    FlightInfo small = sql.execute("SELECT 1 AS id, 1.5D AS d, 'x' AS s");
    assertEquals(1, small.getEndpoints().size());
    assertFalse(small.getOrdered());
    drain(small.getEndpoints().get(0).getTicket());
    TestGateway.awaitAllocatorReleased(server);
  }

  @Test
  void unreadEndpointsEndWithTheSession() throws Exception {
    try (FlightClient own = FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", server.port())).build();
        FlightSqlClient client = new FlightSqlClient(own)) {
      FlightInfo info = client.execute(SQL);
      Operation op = operationOf(info);
      assertEquals(ROWS / 4, read(client, info.getEndpoints().get(0)).ids().size());
      assertEquals(ROWS / 4, read(client, info.getEndpoints().get(3)).ids().size());
      assertEquals(OperationState.RUNNING, op.state(), "two endpoints still unread");
      client.closeSession(new CloseSessionRequest());
      awaitClosed(op, OperationState.CANCELLED);
    }
    TestGateway.awaitAllocatorReleased(server);
  }

  @Test
  void unreadEndpointsExpireAndRenewingOneKeepsThem() throws Exception {
    FlightInfo info = sql.execute(SQL);
    Operation op = operationOf(info);
    read(sql, info.getEndpoints().get(1));
    FlightEndpoint unread = info.getEndpoints().get(2);
    Instant before = unread.getExpirationTime().orElseThrow();
    Thread.sleep(1_500);
    FlightEndpoint renewed = sql.renewFlightEndpoint(new RenewFlightEndpointRequest(unread));
    assertTrue(renewed.getExpirationTime().orElseThrow().isAfter(before),
        renewed.getExpirationTime() + " after " + before);
    assertEquals(unread.getTicket(), renewed.getTicket());
    assertNotFound(() -> sql.renewFlightEndpoint(
        new RenewFlightEndpointRequest(info.getEndpoints().get(1))));
    Thread.sleep(TTL_SECONDS * 1000L - 2_000);
    assertEquals(OperationState.RUNNING, op.state(), "renewed: still waiting");
    awaitClosed(op, OperationState.CANCELLED); // then expired, unread
    assertNotFound(() -> read(sql, unread));
    TestGateway.awaitAllocatorReleased(server);
  }

  @Test
  void cancellingTheFlightInfoEndsItsUnreadEndpoints() throws Exception {
    FlightInfo info = sql.execute(SQL);
    Operation op = operationOf(info);
    read(sql, info.getEndpoints().get(0));
    assertEquals(CancelStatus.CANCELLED,
        sql.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus());
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> read(sql, info.getEndpoints().get(1)));
    assertEquals(CallStatus.CANCELLED.code(), e.status().code(), e.getMessage());
    awaitClosed(op, OperationState.CANCELLED);
    TestGateway.awaitAllocatorReleased(server);
  }

  @Test
  void oneEndpointFailingFailsTheStatementAndStopsTheOthers() throws Exception {
    // id 350,000 starts partition 7, read by endpoint 3 only, with partition 6 in the same job:
    // its blocks may vanish with the failing job while they are read, and the client must still
    // see the failure's own error. Ten times, for the race.
    for (int round = 0; round < 10; round++) {
      FlightInfo info = sql.execute("SELECT CAST(IF(id = 350000, raise_error('endpoint three'),"
          + " id) AS BIGINT) AS id, id * 1.5D AS d, CAST(id AS STRING) AS s FROM range(0, "
          + ROWS + ", 1, 8)");
      assertEquals(4, info.getEndpoints().size());
      Operation op = operationOf(info);
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> read(sql, info.getEndpoints().get(3)));
      assertTrue(e.getMessage().contains("endpoint three"), "round " + round + ": "
          + e.getMessage());
      assertEquals(CallStatus.INVALID_ARGUMENT.code(), e.status().code(), e.getMessage());
      awaitClosed(op, OperationState.FAILED);
      FlightRuntimeException other = assertThrows(FlightRuntimeException.class,
          () -> read(sql, info.getEndpoints().get(0)));
      assertEquals(CallStatus.CANCELLED.code(), other.status().code(), other.getMessage());
    }
    TestGateway.awaitAllocatorReleased(server);
    TestGateway.assertNoResultBlocks(TestGateway.get().spark.sparkContext());
  }

  @Test
  void aJobFailingWhileItsBlocksAreReadReportsItsOwnError() throws Exception {
    // Endpoint 3 reads partitions 6 and 7 in one job: partition 7 fails at its last row while
    // partition 6's blocks (wide rows: several blocks) are being read. The failing job drops
    // them; the client must get the failure, not "result block ... is gone".
    String sqlText = "SELECT IF(id = " + (ROWS - 1) + ", raise_error('late failure'),"
        + " repeat(CAST(id AS STRING), 60)) AS s FROM range(0, " + ROWS + ", 1, 8)";
    for (int round = 0; round < 5; round++) {
      FlightInfo info = sql.execute(sqlText);
      assertEquals(4, info.getEndpoints().size());
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> drain(info.getEndpoints().get(3).getTicket()));
      assertTrue(e.getMessage().contains("late failure"), "round " + round + ": "
          + e.getMessage());
      awaitClosed(operationOf(info), OperationState.FAILED);
    }
    TestGateway.awaitAllocatorReleased(server);
    TestGateway.assertNoResultBlocks(TestGateway.get().spark.sparkContext());
  }

  @Test
  void jdbcDriversReadEveryEndpoint() throws Exception {
    long expectedSum = ROWS * (ROWS - 1) / 2;
    try (Connection c = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:"
        + server.port() + "/?useEncryption=false")) {
      assertEquals(expectedSum, sumOfIds(c), "Arrow's JDBC driver");
    }
    try (URLClassLoader loader = new URLClassLoader(
        new URL[] {JdbcValuesMatchSparkTest.driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      java.sql.Driver driver = (java.sql.Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
          .getDeclaredConstructor().newInstance();
      try (Connection c = driver.connect("jdbc:libra://127.0.0.1:" + server.port(),
          new Properties())) {
        // Libra's driver keeps endpoint order: the ids come in partition order.
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
          long expected = 0;
          while (rs.next()) {
            assertEquals(expected++, rs.getLong(1));
          }
          assertEquals(ROWS, expected);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
          assertTrue(rs.next());
          // closed after one row: the endpoints read ahead are cancelled, nothing stays
        }
      }
    }
    TestGateway.awaitAllocatorReleased(server);
  }

  private static long sumOfIds(Connection c) throws Exception {
    long sum = 0;
    long rows = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
      while (rs.next()) {
        sum += rs.getLong(1);
        rows++;
      }
    }
    assertEquals(ROWS, rows);
    return sum;
  }
}
