package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PollInfo;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PollFlightInfo through Arrow's FlightClient (each test its own connection, so its own session):
 * a query of two stages reports rising progress below 1 while it runs, then a PollInfo without a
 * retry descriptor, progress 1 and one endpoint whose DoGet gives the right rows; CancelFlightInfo
 * of a running poll's info, session close and the statement timeout end it with no Spark job
 * left; bad input gets the right status.
 */
class PollFlightInfoTest {
  private static final String SLEEP =
      "SELECT java_method('java.lang.Thread', 'sleep', 600000L) AS slept";
  /** Two stages: 8 map tasks of 2 rows, 750 ms a row (about 6 s on 2 cores), then the groups. */
  private static final String TWO_STAGES = "SELECT id % 4 AS k, count(*) AS n,"
      + " sum(id + coalesce(length(s), 0)) AS total FROM (SELECT id,"
      + " java_method('java.lang.Thread', 'sleep', 750L) AS s"
      + " FROM range(0, 16, 1, 8)) GROUP BY id % 4 ORDER BY k";

  private static TestGateway gateway;
  private static BufferAllocator allocator;
  private static JobRecorder jobs;
  private FlightClient client;
  private FlightSqlClient sql;

  @BeforeAll
  static void startGateway() throws Exception {
    gateway = TestGateway.get();
    allocator = new RootAllocator();
    jobs = new JobRecorder(gateway.spark.sparkContext());
  }

  @AfterAll
  static void stopGateway() throws Exception {
    jobs.close();
    allocator.close();
    gateway.assertAllocatorReleased();
  }

  @BeforeEach
  void connect() {
    client = FlightClient.builder(allocator,
        Location.forGrpcInsecure("127.0.0.1", gateway.server.port())).build();
    sql = new FlightSqlClient(client);
  }

  @AfterEach
  void disconnect() throws Exception {
    sql.close();
  }

  private static FlightDescriptor query(String text) {
    return FlightDescriptor.command(Any.pack(CommandStatementQuery.newBuilder().setQuery(text)
        .build()).toByteArray());
  }

  private long[][] read(Ticket ticket) throws Exception {
    List<long[]> rows = new ArrayList<>();
    try (FlightStream s = client.getStream(ticket)) {
      while (s.next()) {
        for (int i = 0; i < s.getRoot().getRowCount(); i++) {
          long[] row = new long[s.getRoot().getFieldVectors().size()];
          for (int c = 0; c < row.length; c++) {
            row[c] = ((BaseIntVector) s.getRoot().getVector(c)).getValueAsLong(i);
          }
          rows.add(row);
        }
      }
    }
    return rows.toArray(new long[0][]);
  }

  private void awaitNoLibraJob() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!jobs.runningWithTag("libra-").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), jobs.runningWithTag("libra-"));
  }

  private void awaitRunningJob() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (jobs.runningWithTag("libra-").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(jobs.runningWithTag("libra-").isEmpty(), "the query's job never started");
  }

  @Test
  void progressRisesBelowOneThenTheResult() throws Exception {
    List<Double> progress = new ArrayList<>();
    PollInfo poll = client.pollInfo(query(TWO_STAGES));
    while (poll.getFlightDescriptor().isPresent()) {
      assertTrue(poll.getFlightInfo().getEndpoints().isEmpty(), "an endpoint before it is ready");
      assertEquals(3, poll.getFlightInfo().getSchema().getFields().size(), "the schema, always");
      assertTrue(poll.getExpirationTime().isPresent());
      progress.add(poll.getProgress().orElseThrow());
      poll = client.pollInfo(poll.getFlightDescriptor().get());
    }
    System.out.println("PollFlightInfoTest: progress per poll " + progress);
    for (int i = 0; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= 0 && progress.get(i) < 1, progress.toString());
      assertTrue(i == 0 || progress.get(i) >= progress.get(i - 1), "not monotone: " + progress);
    }
    assertTrue(progress.stream().distinct().count() >= 2 && progress.get(progress.size() - 1) > 0,
        "progress did not rise over the polls: " + progress);
    assertEquals(1.0, poll.getProgress().orElseThrow());
    assertEquals(1, poll.getFlightInfo().getEndpoints().size());
    long[][] rows = read(poll.getFlightInfo().getEndpoints().get(0).getTicket());
    assertEquals(4, rows.length);
    for (int k = 0; k < 4; k++) { // ids k, k+4, k+8, k+12; java_method of a void says "null"
      assertEquals(List.of((long) k, 4L, 4L * k + 24 + 4 * 4),
          List.of(rows[k][0], rows[k][1], rows[k][2]));
    }
    awaitNoLibraJob();
  }

  @Test
  void aFinishedStatementsPollInfoHasNoDescriptorAndProgressOne() throws Exception {
    PollInfo poll = client.pollInfo(query("SELECT 41 + 1 AS answer"));
    assertTrue(poll.getFlightDescriptor().isEmpty(), "a quick query is ready in its first poll");
    assertEquals(1.0, poll.getProgress().orElseThrow());
    assertEquals(1, poll.getFlightInfo().getEndpoints().size());
    // Polling it again (by the info's descriptor) answers the same.
    PollInfo again = client.pollInfo(poll.getFlightInfo().getDescriptor());
    assertTrue(again.getFlightDescriptor().isEmpty());
    assertEquals(1.0, again.getProgress().orElseThrow());
    long[][] rows = read(again.getFlightInfo().getEndpoints().get(0).getTicket());
    assertEquals(1, rows.length);
    assertEquals(42, rows[0][0]);
    // The ticket is read once.
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> read(poll.getFlightInfo().getEndpoints().get(0).getTicket()));
    assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
  }

  @Test
  void cancelFlightInfoWhilePolling() throws Exception {
    PollInfo poll = client.pollInfo(query(SLEEP));
    assertTrue(poll.getFlightDescriptor().isPresent());
    awaitRunningJob();
    long t0 = System.nanoTime();
    assertEquals(CancelStatus.CANCELLED, sql.cancelFlightInfo(
        new CancelFlightInfoRequest(poll.getFlightInfo())).getStatus());
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(poll.getFlightDescriptor().get()));
    assertEquals(FlightStatusCode.CANCELLED, e.status().code(), e.getMessage());
    awaitNoLibraJob();
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4));
    assertEquals(CancelStatus.NOT_CANCELLABLE, sql.cancelFlightInfo(
        new CancelFlightInfoRequest(poll.getFlightInfo())).getStatus());
    // The session goes on.
    PollInfo next = client.pollInfo(query("SELECT 7 AS seven"));
    assertEquals(7, read(next.getFlightInfo().getEndpoints().get(0).getTicket())[0][0]);
  }

  @Test
  void aPollCallTheClientAbandonsCancelsItsStatement() throws Exception {
    PollInfo poll = client.pollInfo(query(SLEEP));
    awaitRunningJob();
    // The next poll waits on the server; the client gives up on it after 300 ms.
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> client.pollInfo(
        poll.getFlightDescriptor().get(), org.apache.arrow.flight.CallOptions.timeout(300,
            TimeUnit.MILLISECONDS)));
    assertEquals(FlightStatusCode.TIMED_OUT, e.status().code(), e.getMessage());
    awaitNoLibraJob();
    FlightRuntimeException after = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(poll.getFlightDescriptor().get()));
    assertEquals(FlightStatusCode.CANCELLED, after.status().code(), after.getMessage());
  }

  @Test
  void aStatementItsClientStopsPollingIsCancelledWhenItsLeaseEnds() throws Exception {
    PollInfo poll = client.pollInfo(query(SLEEP));
    awaitRunningJob();
    // Arrow Java 18.1's PollInfo reads expiration_time as ofEpochSecond(seconds, all the
    // timestamp's nanoseconds): the seconds come doubled. The wire value is right.
    java.time.Instant read = poll.getExpirationTime().orElseThrow();
    java.time.Instant lease = java.time.Instant.ofEpochSecond(read.getEpochSecond() / 2,
        read.getNano());
    java.time.Instant now = java.time.Instant.now();
    assertTrue(lease.isAfter(now.plusSeconds(2)) && lease.isBefore(now.plusSeconds(5)),
        "lease " + lease);
    Thread.sleep(4_000); // libra.statement.poll-lease-seconds of the test gateway
    awaitNoLibraJob();
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(poll.getFlightDescriptor().get()));
    assertEquals(FlightStatusCode.CANCELLED, e.status().code(), e.getMessage());
    assertTrue(e.getMessage().contains("stopped polling"), e.getMessage());
  }

  @Test
  void aReadyTicketNobodyReadsIsDroppedWhenItsLeaseEnds() throws Exception {
    PollInfo poll = client.pollInfo(query("SELECT 8 AS eight"));
    assertTrue(poll.getFlightDescriptor().isEmpty());
    Thread.sleep(4_000 + 1_000); // the lease of the test gateway, and a margin
    FlightRuntimeException read = assertThrows(FlightRuntimeException.class,
        () -> read(poll.getFlightInfo().getEndpoints().get(0).getTicket()));
    assertEquals(FlightStatusCode.NOT_FOUND, read.status().code(), read.getMessage());
    FlightRuntimeException again = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(poll.getFlightInfo().getDescriptor()));
    assertEquals(FlightStatusCode.CANCELLED, again.status().code(), again.getMessage());
    assertTrue(gateway.server.sessions().count() > 0);
  }

  @Test
  void closingTheSessionEndsAPolledStatement() throws Exception {
    PollInfo poll = client.pollInfo(query(SLEEP));
    awaitRunningJob();
    client.closeSession(new org.apache.arrow.flight.CloseSessionRequest());
    awaitNoLibraJob();
  }

  @Test
  void theStatementTimeoutEndsAPolledStatement() throws Exception {
    client.setSessionOptions(new SetSessionOptionsRequest(Map.of("statement_timeout",
        SessionOptionValueFactory.makeSessionOptionValue("2"))));
    PollInfo poll = client.pollInfo(query(SLEEP));
    long t0 = System.nanoTime();
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> {
      PollInfo p = poll;
      while (p.getFlightDescriptor().isPresent()) {
        p = client.pollInfo(p.getFlightDescriptor().get());
      }
    });
    assertEquals(FlightStatusCode.TIMED_OUT, e.status().code(), e.getMessage());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
    awaitNoLibraJob();
  }

  @Test
  void badInput() throws Exception {
    FlightRuntimeException bad = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(query("SELEC 1")));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, bad.status().code());
    assertTrue(bad.getMessage().contains("PARSE_SYNTAX_ERROR"), bad.getMessage());
    // Failing while it runs: the poll answers the error.
    FlightRuntimeException failed = assertThrows(FlightRuntimeException.class, () -> {
      PollInfo p = client.pollInfo(query("SELECT raise_error('boom') AS x FROM range(3)"));
      while (p.getFlightDescriptor().isPresent()) {
        p = client.pollInfo(p.getFlightDescriptor().get());
      }
    });
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, failed.status().code(), failed.getMessage());
    assertTrue(failed.getMessage().contains("boom"), failed.getMessage());
    // A retry descriptor of no statement of this session.
    FlightRuntimeException unknown = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(FlightDescriptor.command(Any.pack(TicketStatementQuery.newBuilder()
            .setStatementHandle(com.google.protobuf.ByteString.copyFromUtf8("nope")).build())
            .toByteArray())));
    assertEquals(FlightStatusCode.NOT_FOUND, unknown.status().code());
    FlightRuntimeException path = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(FlightDescriptor.path("a", "b")));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, path.status().code());
    // A command whose bytes are not the message its type says.
    byte[] malformed = com.google.protobuf.Any.newBuilder()
        .setTypeUrl("type.googleapis.com/arrow.flight.protocol.sql.CommandStatementQuery")
        .setValue(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff}))
        .build().toByteArray();
    FlightRuntimeException garbled = assertThrows(FlightRuntimeException.class,
        () -> client.pollInfo(FlightDescriptor.command(malformed)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, garbled.status().code(), garbled.getMessage());
    PollInfo ok = client.pollInfo(query("SELECT 5 AS five"));
    assertEquals(5, read(ok.getFlightInfo().getEndpoints().get(0).getTicket())[0][0]);
  }
}
