package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.results.DirectTicket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executor-direct fetch on a real Spark standalone cluster: Master and two Workers on 127.0.0.1
 * (one 1-core executor each), the gateway in its own JVM with {@code libra.results.direct-fetch}
 * at its default ({@code auto}: the gateway listens on loopback, so loopback executors qualify).
 * A large result's endpoints are located at the executors' result servers; FlightSqlClient,
 * Libra's JDBC driver, Arrow's JDBC driver and ADBC (default settings) read exactly Spark's rows;
 * the gateway's result counters do not move; forged, altered, expired, cancelled and misdirected
 * tickets are refused; an executor killed mid-fetch fails its endpoint with UNAVAILABLE.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ExecutorDirectFetchTest {
  private static final Pattern SERVES = Pattern.compile(
      "executor (\\S+) serves its result blocks at (grpc\\+tcp://127\\.0\\.0\\.1:\\d+)");
  private static final long ROWS = 400_000;
  private static final String QUERY = "SELECT id, id * 2 AS d, CAST(id AS STRING) AS s"
      + " FROM range(0, " + ROWS + ", 1, 4)";
  private static final int TICKET_TTL_SECONDS = 40;

  private static StandaloneCluster cluster;
  private static GatewayProcess gateway;
  private static int metricsPort;
  /** libra.results.direct-fetch.port: the executors' servers take it and the ports after it. */
  private static int basePort;
  /** Executor id → its result server's location URI. */
  private static Map<String, String> executors;
  private static BufferAllocator allocator;

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    cluster = StandaloneCluster.start(StandaloneClusterTest.sparkJars(), 2, 1, "1g");
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      metricsPort = s.getLocalPort();
    }
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      basePort = s.getLocalPort() > 65000 ? 40000 : s.getLocalPort();
    }
    gateway = GatewayProcess.start(Files.createTempDirectory("libra-direct-"),
        "spark.master=" + cluster.masterUrl, "spark.executor.memory=1g",
        "spark.executor.cores=1", "spark.cores.max=2", "spark.sql.shuffle.partitions=4",
        "spark.sql.catalogImplementation=in-memory",
        "libra.results.bytes-per-endpoint=4096",
        "libra.statement.ticket-ttl-seconds=" + TICKET_TTL_SECONDS,
        // The cancel test's result (about 1.5 GB by Spark's estimate) must qualify.
        "libra.results.max-spill-bytes=" + (4L << 30),
        "spark.ui.enabled=true", "spark.ui.port=0",
        "libra.metrics.port=" + metricsPort, "libra.results.direct-fetch.port=" + basePort);
    executors = awaitExecutors(2, Duration.ofSeconds(120));
    allocator = new RootAllocator(Long.MAX_VALUE);
    System.out.printf("cluster of 2 workers and gateway ready in %d ms, result servers %s%n",
        (System.nanoTime() - t0) / 1_000_000, executors);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (allocator != null) {
        allocator.close();
      }
      if (gateway != null) {
        gateway.close();
        keepLogs();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void endpointsAtTheExecutorsServeSparksRowsAndNothingCrossesTheGateway() throws Exception {
    double before = metric("libra_result_bytes_total");
    try (FlightClient gw = gatewayClient(); FlightSqlClient sql = new FlightSqlClient(gw)) {
      FlightInfo info = sql.execute(QUERY);
      assertFalse(info.getOrdered());
      Set<String> at = new HashSet<>();
      for (FlightEndpoint e : info.getEndpoints()) {
        assertEquals(1, e.getLocations().size(), e.toString());
        at.add(e.getLocations().get(0).getUri().toString());
        assertNotNull(e.getExpirationTime(), "expiration_time");
      }
      assertEquals(new HashSet<>(executors.values()), at,
          "one endpoint per executor, located at its result server");
      Set<Integer> ports = new HashSet<>();
      for (String uri : at) {
        int port = URI.create(uri).getPort();
        assertTrue(port >= basePort && port <= basePort + 16, uri + " from base " + basePort);
        ports.add(port);
      }
      assertEquals(2, ports.size(), "two executors on one host, two ports: " + at);
      BitSet seen = new BitSet((int) ROWS);
      ExecutorService pool = Executors.newFixedThreadPool(info.getEndpoints().size());
      try {
        List<Future<Long>> reads = new ArrayList<>();
        for (FlightEndpoint e : info.getEndpoints()) {
          reads.add(pool.submit(() -> readEndpoint(e, seen)));
        }
        long rows = 0;
        for (Future<Long> f : reads) {
          rows += f.get(120, TimeUnit.SECONDS);
        }
        assertEquals(ROWS, rows);
        assertEquals(ROWS, seen.cardinality(), "every id once");
      } finally {
        pool.shutdownNow();
      }
      // Read once: the executor removed each block as it sent it.
      FlightEndpoint first = info.getEndpoints().get(0);
      assertStatus(FlightStatusCode.NOT_FOUND, first.getLocations().get(0), first.getTicket());
    }
    assertEquals(before, metric("libra_result_bytes_total"),
        "no result byte went through the gateway's DoGet");
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void forgedAlteredAndMisdirectedTicketsServeNoByte() throws Exception {
    try (FlightClient gw = gatewayClient(); FlightSqlClient sql = new FlightSqlClient(gw)) {
      FlightInfo info = sql.execute(QUERY);
      FlightEndpoint e = info.getEndpoints().get(0);
      Location at = e.getLocations().get(0);
      byte[] ticket = e.getTicket().getBytes();
      // One bit of the signed part changed (within the schema): the signature fails.
      byte[] altered = ticket.clone();
      altered[ticket.length / 2] ^= 1;
      assertStatus(FlightStatusCode.UNAUTHENTICATED, at, new Ticket(altered));
      // The same endpoint, the expiry pushed out, signed with a guessed secret.
      DirectTicket t = DirectTicket.peek(ticket);
      byte[] guess = new byte[32];
      new SecureRandom().nextBytes(guess);
      byte[] forged = new DirectTicket(t.streamId(), t.expiresAtMillis() + 3_600_000, t.schema(),
          t.executorId()).sign(guess);
      assertStatus(FlightStatusCode.UNAUTHENTICATED, at, new Ticket(forged));
      assertStatus(FlightStatusCode.UNAUTHENTICATED, at, new Ticket("{\"sql\":1}".getBytes()));
      // A huge ticket (the magic, then zeros) is refused before it is buffered: two at once of
      // 300 MB exhausted an executor's heap when requests were unbounded.
      byte[] huge = new byte[16 << 20];
      System.arraycopy(ticket, 0, huge, 0, 5);
      ExecutorService two = Executors.newFixedThreadPool(2);
      try {
        List<Future<FlightRuntimeException>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          calls.add(two.submit(() -> assertStatus(FlightStatusCode.RESOURCE_EXHAUSTED, at,
              new Ticket(huge))));
        }
        for (Future<FlightRuntimeException> c : calls) {
          c.get(60, TimeUnit.SECONDS);
        }
      } finally {
        two.shutdownNow();
      }
      // A valid ticket sent to the other executor: not its endpoint.
      Location other = info.getEndpoints().get(1).getLocations().get(0);
      assertNotEquals(at, other);
      assertStatus(FlightStatusCode.NOT_FOUND, other, e.getTicket());
      // Still served where it belongs, whole, and to one reader: a second DoGet of the ticket
      // while the first streams is NOT_FOUND.
      BitSet seen = new BitSet((int) ROWS);
      long rows = readEndpoint(e, seen,
          () -> assertStatus(FlightStatusCode.NOT_FOUND, at, e.getTicket()));
      for (FlightEndpoint each : info.getEndpoints().subList(1, info.getEndpoints().size())) {
        rows += readEndpoint(each, seen);
      }
      assertEquals(ROWS, rows);
    }
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void cancelledAndExpiredResultsAreRefused() throws Exception {
    try (FlightClient gw = gatewayClient(); FlightSqlClient sql = new FlightSqlClient(gw)) {
      FlightInfo expiring = sql.execute(QUERY);
      FlightInfo cancelled = sql.execute(QUERY);
      System.out.printf("%s: two results stored%n", Instant.now());
      gw.cancelFlightInfo(new CancelFlightInfoRequest(cancelled));
      for (FlightEndpoint e : cancelled.getEndpoints()) {
        awaitStatus(FlightStatusCode.NOT_FOUND, e, Duration.ofSeconds(10));
      }
      // The other session's view: a second connection cannot cancel this one's result.
      try (FlightClient other = gatewayClient()) {
        FlightRuntimeException x = assertThrows(FlightRuntimeException.class,
            () -> other.cancelFlightInfo(new CancelFlightInfoRequest(expiring)));
        assertEquals(FlightStatusCode.NOT_FOUND, x.status().code(), x.toString());
      }
      // Arrow Java 18's FlightEndpoint reads expiration_time wrong (seconds counted twice): the
      // ticket's own expiry is the one the executor checks.
      Instant expires = Instant.ofEpochMilli(DirectTicket.peek(
          expiring.getEndpoints().get(0).getTicket().getBytes()).expiresAtMillis());
      long wait = Duration.between(Instant.now(), expires).toMillis() + 1_000;
      System.out.printf("%s: the expiring result's tickets expire at %s, waiting %d ms%n",
          Instant.now(), expires, wait);
      if (wait > 0) {
        Thread.sleep(wait);
      }
      FlightEndpoint e = expiring.getEndpoints().get(0);
      FlightRuntimeException x = assertStatus(FlightStatusCode.UNAUTHENTICATED,
          e.getLocations().get(0), e.getTicket());
      assertTrue(x.getMessage().contains("expired"), x.getMessage());
    }
  }

  @Test
  @org.junit.jupiter.api.Order(4)
  void jdbcDriversAndAdbcReadExecutorEndpointsWithTheirDefaults() throws Exception {
    long expectedSumD = ROWS * (ROWS - 1);
    try (Connection c = DriverManager.getConnection(gateway.jdbcUrl())) {
      assertEquals(List.of(ROWS, expectedSumD), countAndSumD(c), "Arrow Flight SQL JDBC 18.3");
    }
    try (URLClassLoader loader = new URLClassLoader(
        new URL[] {JdbcValuesMatchSparkTest.driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      java.sql.Driver driver = (java.sql.Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
          .getDeclaredConstructor().newInstance();
      try (Connection c = driver.connect("jdbc:libra://127.0.0.1:" + gateway.port,
          new Properties())) {
        assertEquals(List.of(ROWS, expectedSumD), countAndSumD(c), "Libra JDBC");
      }
    }
    String script = String.join("\n",
        "import sys, adbc_driver_flightsql.dbapi as flightsql, pyarrow.compute as pc",
        "with flightsql.connect(sys.argv[1]) as conn, conn.cursor() as cur:",
        "    cur.execute(sys.argv[2])",
        "    t = cur.fetch_arrow_table()",
        "    ok = pc.all(pc.equal(t['s'], pc.cast(t['id'], 'string'))).as_py()",
        "    print(t.num_rows, pc.sum(t['d']).as_py(), len(set(t['id'].to_pylist())), ok)");
    Process p = new ProcessBuilder(PySpark.python(), "-c", script,
        "grpc://127.0.0.1:" + gateway.port, QUERY).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String[] lines = out.split("\n");
    assertEquals(ROWS + " " + expectedSumD + " " + ROWS + " True", lines[lines.length - 1],
        "ADBC: " + out);
  }

  @Test
  @org.junit.jupiter.api.Order(5)
  void rowsStreamWhileTheJobRunsAndCancelStopsItsSparkJobs() throws Exception {
    Matcher ui = Pattern.compile("Spark UI (http://[^)\\s]+)\\)").matcher(gateway.startLog);
    assertTrue(ui.find(), "no Spark UI address in the gateway's log");
    String apps = ui.group(1) + "/api/v1/applications";
    String appId = cluster.getJson(apps).get(0).path("id").asText();
    String running = apps + "/" + appId + "/jobs?status=running";
    try (FlightClient gw = gatewayClient(); FlightSqlClient sql = new FlightSqlClient(gw)) {
      // About 1.5 GB of rows and minutes of hashing on two 1-core executors: GetFlightInfo
      // answers before the job has run, and the first rows come while it still runs.
      FlightInfo info = sql.execute(
          "SELECT id, sha2(CAST(id AS STRING), 512) AS h FROM range(0, 20000000, 1, 4)");
      assertEquals(2, info.getEndpoints().size(), info.toString());
      FlightEndpoint e = info.getEndpoints().get(0);
      try (FlightClient c = FlightClient.builder(allocator, e.getLocations().get(0)).build();
          FlightStream s = c.getStream(e.getTicket())) {
        assertTrue(s.next(), "a first batch");
        assertTrue(s.getRoot().getRowCount() > 0);
        assertTrue(cluster.getJson(running).size() > 0,
            "the first batch came before the Spark job ended");
        long t0 = System.nanoTime();
        gw.cancelFlightInfo(new CancelFlightInfoRequest(info));
        long deadline = System.nanoTime() + 20_000_000_000L;
        int jobs;
        do {
          Thread.sleep(200);
          jobs = cluster.getJson(running).size();
        } while (jobs > 0 && System.nanoTime() < deadline);
        assertEquals(0, jobs, "Spark jobs of the cancelled statement still running");
        System.out.printf("cancelled direct result: no job running %d ms after CancelFlightInfo%n",
            (System.nanoTime() - t0) / 1_000_000);
        // The stream being read ends with the cancel (what was sent before it still arrives).
        FlightRuntimeException x = assertThrows(FlightRuntimeException.class, () -> {
          while (s.next()) {
            // batches in flight
          }
        });
        assertTrue(x.status().code() == FlightStatusCode.CANCELLED
            || x.status().code() == FlightStatusCode.NOT_FOUND, x.toString());
      }
      awaitStatus(FlightStatusCode.NOT_FOUND, info.getEndpoints().get(1), Duration.ofSeconds(10));
      // The session goes on.
      FlightInfo next = sql.execute(QUERY);
      BitSet seen = new BitSet((int) ROWS);
      long rows = 0;
      for (FlightEndpoint each : next.getEndpoints()) {
        rows += readEndpoint(each, seen);
      }
      assertEquals(ROWS, rows);
    }
  }

  @Test
  @org.junit.jupiter.api.Order(6)
  void aJobFailingAfterGetFlightInfoEndsEveryEndpointWithTheStatementsError() throws Exception {
    try (FlightClient gw = gatewayClient(); FlightSqlClient sql = new FlightSqlClient(gw)) {
      // Fails in one task, after GetFlightInfo answered: the endpoints report Spark's error as
      // the gateway would have (message, error class), not a hang or an empty stream.
      FlightInfo info = sql.execute("SELECT id, CASE WHEN id = 350000 THEN"
          + " raise_error('boom at 350000') ELSE CAST(id AS STRING) END AS s"
          + " FROM range(0, " + ROWS + ", 1, 4)");
      assertEquals(2, info.getEndpoints().size(), info.toString());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<FlightRuntimeException>> reads = new ArrayList<>();
        for (FlightEndpoint e : info.getEndpoints()) {
          reads.add(pool.submit(() -> {
            try (FlightClient c = FlightClient.builder(allocator, e.getLocations().get(0))
                .build(); FlightStream s = c.getStream(e.getTicket())) {
              return assertThrows(FlightRuntimeException.class, () -> {
                while (s.next()) {
                  // rows before the failure
                }
              });
            }
          }));
        }
        for (Future<FlightRuntimeException> f : reads) {
          FlightRuntimeException x = f.get(120, TimeUnit.SECONDS);
          assertTrue(x.getMessage().contains("boom at 350000"), x.toString());
          assertEquals("USER_RAISED_EXCEPTION", x.status().metadata().get("error-class"),
              x.toString());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Order(99) // last: the cluster replaces the killed executor
  void anExecutorKilledMidFetchFailsItsEndpointWithUnavailable() throws Exception {
    long rows = 3_000_000;
    try (FlightClient gw = gatewayClient(); FlightSqlClient sql = new FlightSqlClient(gw)) {
      FlightInfo info = sql.execute("SELECT id, CAST(id AS STRING) AS s FROM range(0, " + rows
          + ", 1, 4)");
      assertEquals(2, info.getEndpoints().size(), info.toString());
      FlightEndpoint victim = info.getEndpoints().get(0);
      FlightEndpoint survivor = info.getEndpoints().get(1);
      String uri = victim.getLocations().get(0).getUri().toString();
      String executorId = executors.entrySet().stream().filter(x -> x.getValue().equals(uri))
          .findFirst().orElseThrow().getKey();
      try (FlightClient c = FlightClient.builder(allocator, victim.getLocations().get(0)).build();
          FlightStream s = c.getStream(victim.getTicket())) {
        assertTrue(s.next());
        ProcessHandle executor = executorJvm(executorId);
        executor.destroyForcibly();
        assertTrue(executor.onExit().get(30, TimeUnit.SECONDS) != null);
        long t0 = System.nanoTime();
        FlightRuntimeException x = assertThrows(FlightRuntimeException.class, () -> {
          while (s.next()) {
            // what was in flight before the kill
          }
        });
        assertEquals(FlightStatusCode.UNAVAILABLE, x.status().code(), x.toString());
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "failed fast, no hang");
      }
      // The other executor's endpoint is unaffected.
      BitSet seen = new BitSet((int) rows);
      long got;
      try (FlightClient c = FlightClient.builder(allocator, survivor.getLocations().get(0))
          .build(); FlightStream s = c.getStream(survivor.getTicket())) {
        got = 0;
        while (s.next()) {
          BigIntVector id = (BigIntVector) s.getRoot().getVector("id");
          for (int i = 0; i < s.getRoot().getRowCount(); i++) {
            seen.set((int) id.get(i));
          }
          got += s.getRoot().getRowCount();
        }
      }
      assertTrue(got > 0 && got < rows, "the survivor's share: " + got);
      assertEquals(got, seen.cardinality());
    }
  }

  // ---- helpers ----

  /** The gateway's and the executors' logs, kept in target/ for a failed run's reader. */
  private static void keepLogs() throws Exception {
    Path out = Files.createDirectories(Path.of("target", "direct-fetch-logs"));
    Files.writeString(out.resolve("gateway.log"), gateway.output());
    try (var files = Files.walk(cluster.sparkHome)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().equals("stderr")) {
          Path rel = cluster.sparkHome.relativize(f);
          Files.copy(f, out.resolve(rel.toString().replace('/', '_')),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static FlightClient gatewayClient() {
    return FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", gateway.port))
        .build();
  }

  /** Reads one executor endpoint (no credentials: the ticket is one); checks each row's values. */
  private static long readEndpoint(FlightEndpoint e, BitSet seen) throws Exception {
    return readEndpoint(e, seen, () -> { });
  }

  /** ... running {@code afterFirstBatch} once the first batch is in. */
  private static long readEndpoint(FlightEndpoint e, BitSet seen, ThrowingRunnable afterFirstBatch)
      throws Exception {
    long rows = 0;
    try (FlightClient c = FlightClient.builder(allocator, e.getLocations().get(0)).build();
        FlightStream s = c.getStream(e.getTicket())) {
      VectorSchemaRoot root = s.getRoot();
      while (s.next()) {
        BigIntVector id = (BigIntVector) root.getVector("id");
        BigIntVector d = (BigIntVector) root.getVector("d");
        VarCharVector str = (VarCharVector) root.getVector("s");
        for (int i = 0; i < root.getRowCount(); i++) {
          long v = id.get(i);
          if (d.get(i) != 2 * v || !Long.toString(v).equals(str.getObject(i).toString())) {
            throw new AssertionError("row " + v + ": d=" + d.get(i) + " s=" + str.getObject(i));
          }
          synchronized (seen) {
            assertFalse(seen.get((int) v), "id " + v + " twice");
            seen.set((int) v);
          }
        }
        if (rows == 0) {
          afterFirstBatch.run();
        }
        rows += root.getRowCount();
      }
    }
    return rows;
  }

  private static FlightRuntimeException assertStatus(FlightStatusCode code, Location at,
      Ticket ticket) throws Exception {
    try (FlightClient c = FlightClient.builder(allocator, at).build()) {
      FlightRuntimeException x = assertThrows(FlightRuntimeException.class, () -> {
        try (FlightStream s = c.getStream(ticket)) {
          assertFalse(s.next(), "a batch was served");
        }
      });
      assertEquals(code, x.status().code(), x.toString());
      return x;
    }
  }

  private static void awaitStatus(FlightStatusCode code, FlightEndpoint e, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try (FlightClient c = FlightClient.builder(allocator, e.getLocations().get(0)).build();
          FlightStream s = c.getStream(e.getTicket())) {
        s.next();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("still served after " + within);
        }
      } catch (FlightRuntimeException x) {
        if (x.status().code() == code) {
          return;
        }
        throw x;
      }
      Thread.sleep(200);
    }
  }

  private static List<Long> countAndSumD(Connection c) throws Exception {
    long n = 0;
    long sum = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
      while (rs.next()) {
        long id = rs.getLong(1);
        assertEquals(2 * id, rs.getLong(2));
        assertEquals(Long.toString(id), rs.getString(3));
        sum += rs.getLong(2);
        n++;
      }
    }
    return List.of(n, sum);
  }

  /** Waits for {@code count} executors to report their result servers in the gateway's log. */
  private static Map<String, String> awaitExecutors(int count, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Map<String, String> found = new LinkedHashMap<>();
      Matcher m = SERVES.matcher(gateway.output());
      while (m.find()) {
        found.put(m.group(1), m.group(2));
      }
      if (found.size() >= count) {
        return found;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("result servers reported: " + found + "\n" + gateway.output());
      }
      Thread.sleep(200);
    }
  }

  /**
   * The JVM of executor {@code executorId} of this test's cluster: below its Workers, so never an
   * executor of another cluster on the machine (ids and app ids repeat across clusters).
   */
  private static ProcessHandle executorJvm(String executorId) {
    List<ProcessHandle> found = cluster.descendants().stream().filter(p -> {
      String cmd = p.info().commandLine().orElse("");
      return cmd.contains("CoarseGrainedExecutorBackend")
          && cmd.contains("--executor-id " + executorId + " ");
    }).toList();
    assertEquals(1, found.size(), "JVMs of executor " + executorId + ": " + found);
    return found.get(0);
  }

  private static double metric(String name) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    double total = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
