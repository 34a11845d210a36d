package io.libra.flight;

import io.libra.config.LibraConfig;
import io.libra.jobs.JobManager;
import io.libra.jobs.JobSettings;
import io.libra.jobs.JobsCatalog;
import io.libra.jobs.UserRoles;
import io.libra.procedures.JobProcedures;
import io.libra.procedures.LibraProcedures;
import io.libra.operation.OperationLimits;
import io.libra.ingest.TableIngest;
import io.libra.operation.OperationManager;
import io.libra.operation.OperationRunner;
import io.libra.operation.SqlBackend;
import io.libra.session.PoolAssigner;
import io.libra.session.SessionManager;
import java.util.Set;
import java.util.TreeSet;
import scala.jdk.javaapi.CollectionConverters;
import io.libra.results.ArrowResultStream;
import io.libra.results.ResultSettings;
import io.libra.auth.LibraAuthenticator;
import io.libra.auth.TokenStore;
import io.libra.auth.UserStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.classic.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flight SQL server: binds {@code libra.server.host:port}, runs Flight calls on a bounded
 * executor, and owns the root Arrow allocator (closed last; its allocated bytes must be 0 then).
 */
public final class LibraServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LibraServer.class);

  private final BufferAllocator rootAllocator;
  private final SqlBackend backend;
  private final SessionManager sessions;
  private final OperationManager operations;
  private final FlightServer server;
  private final ExecutorService executor;
  private final JobManager jobs;
  private final io.libra.engine.JobTagGuard guard;
  private final io.libra.metrics.OpsServer ops;
  private final int drainSeconds;

  private LibraServer(BufferAllocator rootAllocator, SqlBackend backend, SessionManager sessions,
      OperationManager operations, FlightServer server, ExecutorService executor,
      JobManager jobs, io.libra.engine.JobTagGuard guard, io.libra.metrics.OpsServer ops,
      int drainSeconds) {
    this.ops = ops;
    this.drainSeconds = drainSeconds;
    this.jobs = jobs;
    this.guard = guard;
    this.rootAllocator = rootAllocator;
    this.backend = backend;
    this.sessions = sessions;
    this.operations = operations;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code session} with the settings of {@code config}.
   *
   * @throws IOException when the port cannot be bound
   */
  public static LibraServer start(LibraConfig config, SparkSession session) throws IOException {
    io.libra.metrics.OpsServer ops = io.libra.metrics.OpsServer.start(config);
    try {
      return start(config, session, ops);
    } catch (IOException | RuntimeException e) {
      ops.close();
      throw e;
    }
  }

  /**
   * Starts serving with an operations port started before ({@link io.libra.metrics.OpsServer},
   * live but not ready while Spark starts); it becomes ready once the Flight server accepts calls,
   * and is closed with this server.
   */
  public static LibraServer start(LibraConfig config, SparkSession session,
      io.libra.metrics.OpsServer ops) throws IOException {
    io.libra.metrics.LibraMetrics metrics = ops.metrics();
    String host = config.get(LibraConfig.SERVER_HOST);
    boolean auth = config.get(LibraConfig.AUTH_ENABLED);
    if (!auth && !java.net.InetAddress.getByName(host).isLoopbackAddress()) {
      throw new IllegalArgumentException("refusing to bind " + host + " with authentication off:"
          + " set libra.auth.enabled=true and add users with 'scripts/libra user add NAME',"
          + " or bind 127.0.0.1");
    }
    UserStore users = null;
    if (auth) {
      Path usersFile = config.confDir().resolve(config.get(LibraConfig.AUTH_USERS_FILE));
      users = UserStore.load(usersFile);
      if (users.size() == 0) {
        throw new IllegalArgumentException("libra.auth.enabled=true but " + usersFile
            + " has no users: add one with 'scripts/libra user add NAME'");
      }
    }
    boolean tls = config.get(LibraConfig.TLS_ENABLED);
    File cert = config.confDir().resolve(config.get(LibraConfig.TLS_CERT_FILE)).toFile();
    File key = config.confDir().resolve(config.get(LibraConfig.TLS_KEY_FILE)).toFile();
    if (tls && (!cert.isFile() || !key.isFile())) {
      throw new IllegalArgumentException("libra.tls.enabled=true but the certificate " + cert
          + " or key " + key + " is missing");
    }
    Set<String> poolNames = new TreeSet<>();
    CollectionConverters.asJava(session.sparkContext().getAllPools())
        .forEach(p -> poolNames.add(p.name()));
    String allocationFile = session.sparkContext().getConf()
        .get("spark.scheduler.allocation.file", "");
    if (!allocationFile.isEmpty()) {
      try {
        poolNames.addAll(PoolAssigner.readAllocationFile(Path.of(allocationFile)));
      } catch (Exception e) {
        throw new IOException("cannot read pools from " + allocationFile + ": " + e.getMessage(),
            e);
      }
    }
    PoolAssigner pools = new PoolAssigner(poolNames, PoolAssigner.readUserMap(
        config.confDir().resolve(config.get(LibraConfig.POOL_USER_MAP))));
    BufferAllocator root = new RootAllocator(Long.MAX_VALUE);
    ResultSettings resultSettings = new ResultSettings(
        config.get(LibraConfig.MAX_RECORDS_PER_BATCH), config.get(LibraConfig.MAX_BATCH_BYTES),
        config.get(LibraConfig.PREFETCH_PARTITIONS), config.get(LibraConfig.MAX_BUFFERED_BYTES),
        config.get(LibraConfig.MAX_SPILL_BYTES), config.get(LibraConfig.MAX_SPILL_BYTES_TOTAL),
        config.get(LibraConfig.SPILL_WAIT_SECONDS) * 1000L,
        config.get(LibraConfig.MAX_ENDPOINTS), config.get(LibraConfig.BYTES_PER_ENDPOINT));
    Duration ttl = Duration.ofSeconds(config.get(LibraConfig.TICKET_TTL_SECONDS));
    java.util.List<String> lookups = CallSessions.parseLookups(
        config.get(LibraConfig.SESSION_IDENTIFY_BY));
    int maxOps = config.get(LibraConfig.MAX_CONCURRENT_OPERATIONS);
    // Without authentication every client is "anonymous": a per-user limit would cap everyone.
    OperationManager operations = new OperationManager(new OperationLimits(maxOps,
        auth ? config.get(LibraConfig.MAX_CONCURRENT_OPERATIONS_PER_USER) : maxOps,
        config.get(LibraConfig.ADMISSION_WAIT_MS)));
    JobManager jobs;
    UserRoles roles;
    try {
      roles = UserRoles.load(config.confDir().resolve(config.get(LibraConfig.AUTH_ROLES_FILE)));
      jobs = JobManager.open(JobSettings.from(config, System.getenv()), roles);
    } catch (java.sql.SQLException | IOException | RuntimeException e) {
      operations.close();
      throw new IOException("cannot open the job registry: " + e.getMessage(), e);
    }
    JobsCatalog.bind(jobs);
    if (auth) { // an admin can still end sessions and statements when every slot is taken
      UserRoles admins = roles;
      operations.reserveSlotFor(user -> admins.has(user, UserRoles.ADMIN));
    }
    SessionManager sessions = new SessionManager(session, root,
        Duration.ofSeconds(config.get(LibraConfig.SESSION_IDLE_TIMEOUT_SECONDS)),
        Duration.ofSeconds(config.get(LibraConfig.SESSION_UNCLAIMED_TIMEOUT_SECONDS)),
        config.get(LibraConfig.MAX_SESSIONS), ttl, config.deniedFunctions(),
        // Without authentication (loopback only) clients are local users of the host anyway.
        user -> !auth || roles.has(user, UserRoles.FILES),
        !auth ? null : new io.libra.engine.UserSqlBoundary(
            new java.util.HashSet<>(io.libra.engine.UserSqlBoundary.list(
                config.get(LibraConfig.SQL_ALLOWED_PROVIDERS))),
            io.libra.engine.UserSqlBoundary.list(config.get(LibraConfig.SQL_USER_SETTABLE_CONF)),
            user -> roles.has(user, UserRoles.FILES), user -> roles.has(user, UserRoles.ADMIN),
            config.get(LibraConfig.SQL_PRIVATE_BY_DEFAULT)));
    io.libra.engine.JobTagGuard guard = io.libra.engine.JobTagGuard.install(
        session.sparkContext());
    OperationRunner runner = new OperationRunner(operations, guard,
        config.get(LibraConfig.STATEMENT_TIMEOUT_SECONDS),
        config.get(LibraConfig.POLL_LEASE_SECONDS));
    io.libra.history.QueryHistory history = null;
    if (config.get(LibraConfig.HISTORY_RETENTION_ROWS) > 0) {
      try {
        history = io.libra.history.QueryHistory.open(config.workDir().resolve("history_db"),
            config.get(LibraConfig.HISTORY_RETENTION_ROWS),
            Duration.ofDays(config.get(LibraConfig.HISTORY_RETENTION_DAYS)),
            tag -> session.sparkContext().statusTracker().getJobIdsForTag(tag));
      } catch (java.sql.SQLException e) {
        sessions.close();
        operations.close();
        closeJobs(jobs);
        throw new IOException("cannot open the query history in "
            + config.workDir().resolve("history_db") + ": " + e.getMessage(), e);
      }
      sessions.setHistory(history);
    }
    io.libra.history.QueryHistory recorded = history;
    runner.onStatementClosed(op -> {
      metrics.statementEnded(op.kind(), String.valueOf(op.finalState()), op.durationSeconds());
      if (recorded != null) {
        recorded.record(io.libra.history.QueryRecord.of(op));
      }
    });
    operations.onRejected(metrics::admissionRejected);
    sessions.onRejected(metrics::admissionRejected);
    metrics.gauge("libra_sessions_open", "Client sessions open", sessions::count);
    metrics.labelledGauge("libra_statements_running", "Statements running now, by FAIR pool",
        "pool", () -> {
          java.util.Map<String, Long> byPool = new java.util.TreeMap<>();
          poolNames.forEach(p -> byPool.put(p, 0L)); // every pool, also when idle
          byPool.putAll(sessions.runningByPool());
          return byPool;
        });
    metrics.gauge("libra_statements_admitted",
        "Statements holding a slot of libra.operations.max-concurrent", operations::running);
    metrics.gauge("libra_arrow_allocated_bytes", "Bytes held by the gateway's Arrow allocator",
        root::getAllocatedMemory);
    JobManager jobsForMetrics = jobs;
    metrics.labelledGauge("libra_jobs", "Isolated jobs by state", "state",
        jobsForMetrics::countByState);
    SqlBackend backend = new SqlBackend(runner, new ArrowResultStream(resultSettings),
        new LibraProcedures(java.util.stream.Stream.concat(JobProcedures.all(jobs).stream(),
            io.libra.procedures.SessionProcedures.all(sessions,
                user -> !auth || roles.has(user, UserRoles.ADMIN)).stream()).toList()),
        sessions::invalidateTableCaches, sessions::writeEpoch,
        new io.libra.operation.SqlTextLimits(config.get(LibraConfig.SQL_MAX_TEXT_BYTES),
            config.get(LibraConfig.SQL_MAX_NESTING_DEPTH)),
        t -> FlightErrors.toFlight(t).status());
    TableIngest ingest = new TableIngest(runner,
        config.get(LibraConfig.INGEST_CHUNK_BYTES), sessions::invalidateTableCaches);
    int threads = config.get(LibraConfig.SERVER_THREADS);
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(threads * 4), namedThreads("libra-flight-"),
        new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    Location location = tls ? Location.forGrpcTls(host, config.get(LibraConfig.SERVER_PORT))
        : Location.forGrpcInsecure(host, config.get(LibraConfig.SERVER_PORT));
    FlightServer server;
    try {
      FlightServer.Builder builder = FlightServer.builder(root, location,
              new LibraFlightSqlProducer(backend, ingest, sessions, pools, root,
                  session.version(), Duration.ofSeconds(
                      config.get(LibraConfig.PUT_FIRST_MESSAGE_TIMEOUT_SECONDS)), lookups,
                  metrics))
          .executor(executor)
          // First: middleware runs in registration order, the authenticator's last.
          .middleware(RpcMetrics.KEY, new RpcMetrics(metrics))
          .middleware(DrainGate.KEY, new DrainGate(ops::isDraining))
          .middleware(CallHeaderLimits.KEY, new CallHeaderLimits(
              config.get(LibraConfig.SERVER_MAX_HEADER_BYTES)))
          .middleware(SessionCookieMiddleware.KEY, new SessionCookieMiddleware.Factory())
          .setMaxHeaderListSize(CallHeaderLimits.TRANSPORT_LIMIT_BYTES);
      ClientConnections connections = lookups.contains("connection")
          ? new ClientConnections(sessions::closeConnection) : null;
      // Arrow's hook for the underlying gRPC server builder (FlightServer's
      // "grpc.builderConsumer" transport hint).
      builder.transportHint("grpc.builderConsumer",
          (java.util.function.Consumer<io.grpc.netty.NettyServerBuilder>) b -> {
            b.addStreamTracerFactory(new ClientAddresses());
            if (connections != null) {
              b.addTransportFilter(connections);
              b.intercept(connections);
            }
          });
      if (tls) {
        builder.useTls(cert, key);
      }
      if (auth) {
        TokenStore tokens = new TokenStore(
            Duration.ofSeconds(config.get(LibraConfig.AUTH_TOKEN_TTL_SECONDS)));
        sessions.onLogout(tokens::revoke);
        builder.headerAuthenticator(new LibraAuthenticator(users, tokens,
            new io.libra.auth.LoginThrottle(config.get(LibraConfig.AUTH_MAX_FAILED_LOGINS)),
            ClientAddresses::current).observe(metrics::failedLogin, metrics::throttledLogin));
      }
      server = builder.build();
      server.start();
    } catch (IOException | RuntimeException e) {
      // Whatever was started for this server is stopped again before reporting.
      executor.shutdownNow();
      sessions.close();
      sessions.closeHistory();
      operations.close();
      guard.close();
      closeJobs(jobs);
      root.close();
      throw new IOException("cannot start the Flight SQL server on " + location.getUri() + ": "
          + e.getMessage(), e);
    }
    LOG.info("Flight SQL server listening on {}:{} ({}, authentication {}; pools: {})", host,
        server.getPort(), tls ? "TLS" : "plaintext", auth ? "on" : "off", poolNames);
    if (ops.port() >= 0) {
      LOG.info("metrics and health on http://{}:{}/metrics, /health/live, /health/ready",
          config.get(LibraConfig.METRICS_HOST), ops.port());
    }
    ops.ready();
    return new LibraServer(root, backend, sessions, operations, server, executor, jobs, guard,
        ops, config.get(LibraConfig.DRAIN_SECONDS));
  }

  private static void closeJobs(JobManager jobs) {
    JobsCatalog.unbind(jobs);
    try {
      jobs.close();
    } catch (Exception e) {
      LOG.warn("closing the job registry: {}", e.toString());
    }
  }

  private static ThreadFactory namedThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.getPort();
  }

  /** Open client sessions. */
  public SessionManager sessions() {
    return sessions;
  }

  /**
   * The statement with this id (a query's ticket id is its statement's id) in any open session,
   * live or recently ended, or null.
   */
  public io.libra.operation.Operation operation(String id) {
    return sessions.findStatement(id);
  }

  /** Statements not ended yet (running, or waiting for their DoGet), over all sessions. */
  public long liveStatements() {
    return sessions.liveStatements();
  }

  /** Statements running now. */
  public int runningOperations() {
    return operations.running();
  }

  /** Prepared statements open now ({@code CreatePreparedStatement}, not closed or expired). */
  public long openPreparedStatements() {
    return sessions.openPreparedStatements();
  }

  /** Query tickets handed out in a FlightInfo and not read by a DoGet yet. */
  public long unreadTickets() {
    return sessions.unreadTickets();
  }

  /** Bytes currently allocated by all streams and metadata calls. */
  public long allocatedBytes() {
    return rootAllocator.getAllocatedMemory();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws Exception {
    // Drain: not ready, new calls UNAVAILABLE, running statements get drainSeconds to finish;
    // then the rest are cancelled (their clients get CANCELLED) and the server stops.
    ops.draining();
    long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
    while (sessions.runningByPool().values().stream().mapToLong(Long::longValue).sum() > 0
        && System.nanoTime() < drainEnd) {
      Thread.sleep(50);
    }
    sessions.close();
    server.shutdown();
    if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
      server.close();
    }
    executor.shutdownNow();
    operations.close();
    guard.close();
    closeJobs(jobs);
    sessions.closeHistory();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while ((!rootAllocator.getChildAllocators().isEmpty() || rootAllocator.getAllocatedMemory() != 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    try {
      rootAllocator.close();
    } catch (IllegalStateException e) {
      // Buffers of a cancelled call that gRPC had not released yet; the JVM is going away or the
      // server is being replaced, so report instead of failing the shutdown.
      LOG.warn("Arrow memory still held at shutdown: {}", e.getMessage());
    }
    ops.close();
  }

  /** The operations port (metrics, health), or -1 when off. */
  public int opsPort() {
    return ops.port();
  }
}
