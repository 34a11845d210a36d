package io.libra.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Libra's own settings, read in this order (later wins): defaults, {@code conf/libra.properties},
 * environment variables ({@link ConfigEntry#envName()}), command-line {@code --conf key=value}.
 *
 * <p>Unknown keys and malformed values fail with an {@link IllegalArgumentException} whose message
 * names the file (or "environment" / "command line") and the key. Spark settings are not here: they
 * live in {@code conf/spark-defaults.conf} (see {@link SparkDefaults}).
 */
public final class LibraConfig {
  public static final ConfigEntry<String> SERVER_HOST = ConfigEntry.string("libra.server.host",
      "127.0.0.1", "Address the Flight SQL server binds to.");
  public static final ConfigEntry<Integer> SERVER_PORT = ConfigEntry.integer("libra.server.port",
      32010, 0, 65535, "Flight SQL port; 0 picks a free port.");
  public static final ConfigEntry<Integer> SERVER_THREADS = ConfigEntry.integer(
      "libra.server.executor-threads", 64, 2, 4096,
      "Size of the bounded thread pool that runs Flight calls (gRPC handlers and result streams).");
  public static final ConfigEntry<Boolean> SERVER_ALLOW_ROOT = ConfigEntry.bool(
      "libra.server.allow-root", false,
      "Let the gateway run as root (uid 0). Off: 'libra run' (scripts/libra start/run) refuses"
          + " to start as root and says how to use a service user.");
  public static final ConfigEntry<String> METRICS_HOST = ConfigEntry.string("libra.metrics.host",
      "127.0.0.1", "Address of the operations port: /metrics (Prometheus), /health/live,"
          + " /health/ready. Loopback by default: metrics name users and pools.");
  public static final ConfigEntry<Integer> METRICS_PORT = ConfigEntry.integer("libra.metrics.port",
      0, -1, 65535, "Operations port (/metrics, /health/live, /health/ready); 0 picks a free one"
          + " (logged at start), -1 turns it off.");
  public static final ConfigEntry<Integer> DRAIN_SECONDS = ConfigEntry.integer(
      "libra.server.drain-seconds", 20, 0, 86_400,
      "At stop: seconds running statements may take to finish while new calls get UNAVAILABLE"
          + " and /health/ready answers 503; then the rest are cancelled (scripts/libra stop"
          + " waits 60 s in all).");
  public static final ConfigEntry<Integer> SERVER_MAX_HEADER_BYTES = ConfigEntry.integer(
      "libra.server.max-header-bytes", 8192, 1024, 1 << 20,
      "Largest total size (bytes of names and values) of one call's headers; larger calls get"
          + " INVALID_ARGUMENT naming this setting (gRPC's own limit, 1 MiB here, ends larger"
          + " ones with a transport error).");
  public static final ConfigEntry<String> WORK_DIR = ConfigEntry.string("libra.work-dir", "work",
      "Work directory: pid, log, Hive metastore (Derby) and warehouse. Relative to LIBRA_HOME.");
  public static final ConfigEntry<Double> TPCH_SCALE = ConfigEntry.nonNegativeDouble(
      "libra.sample-data.tpch-scale", 0.0,
      "TPC-H scale factor loaded into database tpch at start when it does not exist; 0 = none.");
  public static final ConfigEntry<Integer> MAX_RECORDS_PER_BATCH = ConfigEntry.integer(
      "libra.results.max-records-per-batch", 65_536, 1, Integer.MAX_VALUE,
      "Upper bound on rows in one Arrow record batch sent to a client (max-batch-bytes bounds it"
          + " too). Larger than Spark's 10,000 (spark.sql.execution.arrow.maxRecordsPerBatch):"
          + " JDBC clients pay a fixed cost per batch (the Arrow driver builds a new cursor and"
          + " accessors for each).");
  public static final ConfigEntry<Long> MAX_BATCH_BYTES = ConfigEntry.bytes(
      "libra.results.max-batch-bytes", 4L << 20, 1024, 64L << 20,
      "Upper bound (bytes, estimated while converting on the executors) on one Arrow record batch;"
          + " keeps every message well under the 16 MiB default client limit.");
  public static final ConfigEntry<Integer> PREFETCH_PARTITIONS = ConfigEntry.integer(
      "libra.results.prefetch-partitions", 2, 1, 1024,
      "How many result partitions are converted ahead of the one being streamed (small"
          + " partitions, under 1 MiB, run in groups within max-buffered-bytes instead).");
  public static final ConfigEntry<Long> MAX_BUFFERED_BYTES = ConfigEntry.bytes(
      "libra.results.max-buffered-bytes", 256L << 20, 1L << 20, Long.MAX_VALUE,
      "Bytes of converted, unsent results of finished partitions one result stream may keep (in"
          + " Spark's BlockManager; partitions under 1 MiB in the driver's heap) before it stops"
          + " prefetching (the next partition always runs); the driver itself holds one block"
          + " (about 8 MiB) at a time.");
  public static final ConfigEntry<Long> MAX_SPILL_BYTES = ConfigEntry.bytes(
      "libra.results.max-spill-bytes", 1L << 30, 16L << 20, Long.MAX_VALUE,
      "Bytes of converted, unsent result blocks (on the executors' disks; the gateway's with a"
          + " local master) one statement may hold, running partitions included: a client that"
          + " pauses its stream holds at most this much, then the tasks producing its result wait"
          + " (holding their cores) until it reads on, is cancelled or goes away.");
  public static final ConfigEntry<Long> MAX_SPILL_BYTES_TOTAL = ConfigEntry.bytes(
      "libra.results.max-spill-bytes-total", 8L << 30, 16L << 20, Long.MAX_VALUE,
      "Bytes of unsent result blocks of all statements one executor (the gateway, with a local"
          + " master) may hold; a task that finds no room within spill-wait-seconds fails its"
          + " statement with RESOURCE_EXHAUSTED naming this setting.");
  public static final ConfigEntry<Integer> SPILL_WAIT_SECONDS = ConfigEntry.integer(
      "libra.results.spill-wait-seconds", 30, 0, 86_400,
      "How long a task waits for room under max-spill-bytes-total before its statement fails.");
  public static final ConfigEntry<Integer> MAX_ENDPOINTS = ConfigEntry.integer(
      "libra.results.max-endpoints", 0, 0, 1024,
      "Most endpoints one query result's FlightInfo lists (each a group of its partitions, read"
          + " with its own DoGet, in parallel by ADBC and Libra's JDBC driver); 0 = Spark's default"
          + " parallelism (the executors' cores), 1 = always one endpoint. Results smaller than"
          + " twice bytes-per-endpoint, without a size estimate, or sorted keep one endpoint.");
  public static final ConfigEntry<Long> BYTES_PER_ENDPOINT = ConfigEntry.bytes(
      "libra.results.bytes-per-endpoint", 64L << 20, 1L << 10, Long.MAX_VALUE,
      "Bytes of a result's size estimate (Spark's plan statistics) per endpoint: a result"
          + " estimated at 4 times this gets 4 endpoints (at most max-endpoints).");
  public static final ConfigEntry<String> DIRECT_FETCH = ConfigEntry.oneOf(
      "libra.results.direct-fetch", "auto", java.util.List.of("off", "auto", "on"),
      "Executor-direct fetch (masters other than local): each executor runs a Flight server for"
          + " the result blocks its tasks stored, and a large unordered result's FlightInfo lists"
          + " one endpoint per executor, at that executor, so the result bytes skip the gateway."
          + " 'auto': only when every executor's address is known to reach clients (advertise-host"
          + " is set, or gateway and executors are all on loopback); 'on': whenever every executor"
          + " reported its server; 'off': the gateway serves every endpoint.");
  public static final ConfigEntry<String> DIRECT_FETCH_ADVERTISE_HOST = ConfigEntry.string(
      "libra.results.direct-fetch.advertise-host", "",
      "Host executors put in their endpoints' locations, one clients reach; '{host}' stands for"
          + " the executor's host as Spark knows it (so '{host}' alone says clients reach"
          + " executors by it). Empty: that host, not known to reach clients (auto then serves"
          + " through the gateway unless everything is on loopback).");
  public static final ConfigEntry<String> DIRECT_FETCH_BIND_HOST = ConfigEntry.string(
      "libra.results.direct-fetch.bind-host", "",
      "Address the executors' result servers listen on; empty: the executor's host as Spark"
          + " knows it.");
  public static final ConfigEntry<Integer> DIRECT_FETCH_PORT = ConfigEntry.integer(
      "libra.results.direct-fetch.port", 0, 0, 65535,
      "First port an executor's result server tries (then the next 16: several executors on one"
          + " host); 0: any free port.");
  public static final ConfigEntry<Long> INGEST_CHUNK_BYTES = ConfigEntry.bytes(
      "libra.ingest.chunk-bytes", 64L << 20, 1L << 10, 1L << 31,
      "Bulk ingest: serialized Arrow bytes of uploaded batches gathered on the driver before they"
          + " are written, as one Spark job, to the staging directory; bounds ingest memory.");
  public static final ConfigEntry<Integer> TICKET_TTL_SECONDS = ConfigEntry.integer(
      "libra.statement.ticket-ttl-seconds", 600, 1, Integer.MAX_VALUE,
      "Seconds an unread ticket (and an unused prepared statement) is kept before it is dropped.");

  public static final ConfigEntry<Integer> POLL_LEASE_SECONDS = ConfigEntry.integer(
      "libra.statement.poll-lease-seconds", 30, 2, Integer.MAX_VALUE,
      "Seconds a query submitted by PollFlightInfo is kept without a poll (while it runs) or a"
          + " DoGet of its ticket (once ready): a client that does neither has abandoned it, and"
          + " it is cancelled (each PollInfo's expiration_time says until when).");

  public static final ConfigEntry<Integer> HISTORY_RETENTION_ROWS = ConfigEntry.integer(
      "libra.history.retention-rows", 10_000, 0, 10_000_000,
      "Ended statements of each user kept in the history table libra.queries (the newest; 0"
          + " records none).");
  public static final ConfigEntry<Integer> HISTORY_RETENTION_DAYS = ConfigEntry.integer(
      "libra.history.retention-days", 30, 1, 36_500,
      "Days an ended statement is kept in libra.queries.");

  public static final ConfigEntry<Integer> SESSION_IDLE_TIMEOUT_SECONDS = ConfigEntry.integer(
      "libra.sessions.idle-timeout-seconds", 900, 1, Integer.MAX_VALUE,
      "Seconds without a call after which a client session is closed (its statements cancelled,"
          + " its memory released).");
  public static final ConfigEntry<Integer> SESSION_UNCLAIMED_TIMEOUT_SECONDS = ConfigEntry.integer(
      "libra.sessions.unclaimed-timeout-seconds", 30, 1, Integer.MAX_VALUE,
      "Seconds a session no client came back to (no cookie support) is kept after its last call.");
  public static final ConfigEntry<Long> SQL_MAX_TEXT_BYTES = ConfigEntry.bytes(
      "libra.sql.max-text-bytes", 1L << 20, 1024, 1L << 30,
      "Longest SQL text (UTF-8 bytes) a statement may have; longer ones get INVALID_ARGUMENT"
          + " before they are parsed.");
  public static final ConfigEntry<Integer> SQL_MAX_NESTING_DEPTH = ConfigEntry.integer(
      "libra.sql.max-nesting-depth", 1000, 10, 100_000,
      "Deepest nesting of parentheses and brackets a statement may have; deeper ones get"
          + " INVALID_ARGUMENT before they are parsed (Spark's parser takes minutes or overflows"
          + " its stack on them).");
  public static final ConfigEntry<String> SQL_ALLOWED_PROVIDERS = ConfigEntry.string(
      "libra.sql.allowed-providers", io.libra.engine.UserSqlBoundary.DEFAULT_PROVIDERS,
      "Data source providers (USING ...) of the tables users without the 'files' role may create;"
          + " any other provider (jdbc, hive SerDes, ...) needs the role. Authentication on only.");
  public static final ConfigEntry<String> SQL_USER_SETTABLE_CONF = ConfigEntry.string(
      "libra.sql.user-settable-conf", io.libra.engine.UserSqlBoundary.DEFAULT_SETTABLE,
      "Spark settings users without the 'files' role may SET (keys, or prefixes ending in *);"
          + " reading any setting and RESET stay open. Authentication on only.");
  public static final ConfigEntry<Boolean> SQL_PRIVATE_BY_DEFAULT = ConfigEntry.bool(
      "libra.sql.private-by-default", false,
      "Users read only their own tables and views (and the gateway's, such as the TPC-H sample);"
          + " off: every user reads every table, and changes only their own. Authentication on"
          + " only; admins read everything.");
  public static final ConfigEntry<String> SESSION_IDENTIFY_BY = ConfigEntry.string(
      "libra.sessions.identify-by", "cookie,token,connection",
      "How a call finds its session, lookups tried in this order: 'cookie' (the"
          + " arrow_flight_session_id cookie), 'token' (the bearer token's session), 'connection'"
          + " (the client's gRPC connection: one session per connection, closed when it ends)."
          + " Behind a proxy that multiplexes clients on one upstream connection, leave out"
          + " 'connection'.");
  public static final ConfigEntry<Integer> STATEMENT_TIMEOUT_SECONDS = ConfigEntry.integer(
      "libra.operations.statement-timeout-seconds", 0, 0, Integer.MAX_VALUE,
      "Seconds a statement may take from its submission (GetFlightInfo, DoPut) to its last batch"
          + " before it is cancelled with TIMED_OUT, its Spark jobs stopped (0 = no limit); a"
          + " session option or call header 'statement_timeout' overrides it.");
  public static final ConfigEntry<Integer> PUT_FIRST_MESSAGE_TIMEOUT_SECONDS = ConfigEntry.integer(
      "libra.server.put-first-message-timeout-seconds", 30, 1, Integer.MAX_VALUE,
      "Seconds a DoPut call (ingest, updates, parameter binding) may take to send its first"
          + " message; then it ends with TIMED_OUT, so idle uploads cannot hold server threads.");
  public static final ConfigEntry<Integer> MAX_SESSIONS = ConfigEntry.integer("libra.sessions.max",
      1000, 1, Integer.MAX_VALUE, "Open client sessions at most (sessions a client came back to,"
          + " by cookie or bearer token); beyond: RESOURCE_EXHAUSTED.");
  public static final ConfigEntry<Integer> MAX_CONCURRENT_OPERATIONS = ConfigEntry.integer(
      "libra.operations.max-concurrent", 32, 1, 4096,
      "Statements running at once in the gateway (size of the statement executor); beyond:"
          + " RESOURCE_EXHAUSTED.");
  public static final ConfigEntry<Integer> MAX_CONCURRENT_OPERATIONS_PER_USER = ConfigEntry.integer(
      "libra.operations.max-concurrent-per-user", 16, 1, 4096,
      "Statements one user may run at once; beyond: RESOURCE_EXHAUSTED.");
  public static final ConfigEntry<Integer> ADMISSION_WAIT_MS = ConfigEntry.integer(
      "libra.operations.admission-wait-ms", 2000, 0, 600_000,
      "How long a statement over a concurrency limit waits for a slot before RESOURCE_EXHAUSTED"
          + " (0 = at once); absorbs clients that start the next statement as the last ends.");
  public static final ConfigEntry<String> POOL_USER_MAP = ConfigEntry.string(
      "libra.pools.user-map-file", "pools.properties",
      "User-to-pool map (relative to the conf dir): lines 'user = defaultPool, otherAllowedPool'.");

  public static final ConfigEntry<Boolean> AUTH_ENABLED = ConfigEntry.bool("libra.auth.enabled",
      false, "Require a user name and password (then a bearer token). May be false only while"
          + " the server binds to a loopback address.");
  public static final ConfigEntry<String> AUTH_USERS_FILE = ConfigEntry.string(
      "libra.auth.users-file", "users.properties",
      "Users and salted password hashes (relative to the conf dir); see scripts/libra user add.");
  public static final ConfigEntry<Integer> AUTH_TOKEN_TTL_SECONDS = ConfigEntry.integer(
      "libra.auth.token-ttl-seconds", 3600, 1, Integer.MAX_VALUE,
      "Seconds a bearer token stays valid after login.");
  public static final ConfigEntry<Integer> AUTH_MAX_FAILED_LOGINS = ConfigEntry.integer(
      "libra.auth.max-failed-logins", 5, 1, 1000,
      "Failed logins for one user name (four times as many from one client address) before"
          + " each further attempt must wait: 1 s after the last failure, doubling per failure,"
          + " at most a minute; an attempt made sooner is refused at once, its password unchecked.");
  public static final ConfigEntry<Boolean> TLS_ENABLED = ConfigEntry.bool("libra.tls.enabled",
      false, "Serve TLS (grpc+tls) with the certificate chain and key below.");
  public static final ConfigEntry<String> TLS_CERT_FILE = ConfigEntry.string(
      "libra.tls.cert-file", "tls/server.crt",
      "PEM certificate chain (relative to the conf dir).");
  public static final ConfigEntry<String> TLS_KEY_FILE = ConfigEntry.string(
      "libra.tls.key-file", "tls/server.key", "PEM PKCS#8 private key (relative to the conf dir).");

  public static final ConfigEntry<String> DENIED_FUNCTIONS = ConfigEntry.string(
      "libra.sql.denied-functions", io.libra.engine.SqlGuard.DEFAULT,
      "Comma-separated SQL functions refused in every statement, also inside EXECUTE IMMEDIATE,"
          + " SQL functions and CTAS/INSERT queries. The defaults call arbitrary static Java methods"
          + " inside the gateway JVM; 'transform' is TRANSFORM ... USING (an OS command); the"
          + " xpath functions resolve external entities (they fetch URLs and probe server files);"
          + " empty allows all.");

  public static final ConfigEntry<String> AUTH_ROLES_FILE = ConfigEntry.string(
      "libra.auth.roles-file", "roles.properties",
      "User roles (relative to the conf dir): lines 'user = submit, admin, files'. 'submit' may"
          + " submit jobs (CALL libra.submit_job); 'admin' sees and cancels every user's jobs;"
          + " 'files' may use server paths in SQL (LOCATION, queries over paths, ADD JAR...). With"
          + " authentication off (loopback only) every client may submit and use paths.");
  public static final ConfigEntry<String> JOBS_ALLOWED_DIRS = ConfigEntry.string(
      "libra.jobs.allowed-dirs", "apps",
      "Comma-separated directories (relative to LIBRA_HOME) whose files may be submitted as job"
          + " resources; anything else is PERMISSION_DENIED. Empty allows nothing.");
  public static final ConfigEntry<String> JOBS_DENIED_CONF = ConfigEntry.string(
      "libra.jobs.denied-conf", "spark.master,spark.submit.deployMode,spark.driver.extraClassPath,"
          + "spark.driver.extraLibraryPath,spark.executor.extraClassPath,"
          + "spark.executor.extraLibraryPath,spark.jars.ivySettings,spark.driver.extraJavaOptions,"
          + "spark.executor.extraJavaOptions,spark.jars,spark.jars.packages,spark.jars.repositories,"
          + "spark.files,spark.archives,spark.submit.pyFiles",
      "Comma-separated Spark keys (or prefixes ending in '.') a job's conf may not set.");
  public static final ConfigEntry<String> JOBS_MASTER = ConfigEntry.string("libra.jobs.master",
      "local[2]", "spark.master of submitted jobs (separate from the gateway's own master).");
  public static final ConfigEntry<String> JOBS_DEPLOY_MODE = ConfigEntry.string(
      "libra.jobs.deploy-mode", "client",
      "spark.submit.deployMode of submitted jobs: client (driver in a child JVM of the gateway)"
          + " or cluster.");
  public static final ConfigEntry<String> JOBS_SPARK_HOME = ConfigEntry.string(
      "libra.jobs.spark-home", "",
      "Spark distribution used to submit jobs; empty: environment SPARK_HOME, else an embedded"
          + " spark-submit laid out from the gateway's own jars under <work dir>/spark-home.");
  public static final ConfigEntry<String> JOBS_PYSPARK_PYTHON = ConfigEntry.string(
      "libra.jobs.pyspark-python", "",
      "Python (with pyspark of the same Spark version) for python-file jobs, passed as"
          + " spark.pyspark.python unless the job sets it; empty: environment PYSPARK_PYTHON, else"
          + " Spark's default (python3).");
  public static final ConfigEntry<Boolean> JOBS_IN_PROCESS_ENABLED = ConfigEntry.bool(
      "libra.jobs.in-process.enabled", false,
      "Allow kind 'jar-class' without conf, which runs the class's main inside the gateway JVM"
          + " (shared SparkContext, caller's pool): user code with the gateway's privileges.");

  /** Every entry, in documentation order. */
  public static final List<ConfigEntry<?>> ENTRIES = List.of(SERVER_HOST, SERVER_PORT,
      SERVER_THREADS, SERVER_ALLOW_ROOT, SERVER_MAX_HEADER_BYTES, METRICS_HOST, METRICS_PORT,
      DRAIN_SECONDS, PUT_FIRST_MESSAGE_TIMEOUT_SECONDS, WORK_DIR, TPCH_SCALE, MAX_RECORDS_PER_BATCH, MAX_BATCH_BYTES,
      PREFETCH_PARTITIONS, MAX_BUFFERED_BYTES, MAX_SPILL_BYTES, MAX_SPILL_BYTES_TOTAL,
      SPILL_WAIT_SECONDS, MAX_ENDPOINTS, BYTES_PER_ENDPOINT, DIRECT_FETCH,
      DIRECT_FETCH_ADVERTISE_HOST, DIRECT_FETCH_BIND_HOST, DIRECT_FETCH_PORT, INGEST_CHUNK_BYTES, TICKET_TTL_SECONDS, POLL_LEASE_SECONDS,
      HISTORY_RETENTION_ROWS, HISTORY_RETENTION_DAYS,
      SESSION_IDLE_TIMEOUT_SECONDS,
      SESSION_UNCLAIMED_TIMEOUT_SECONDS, SESSION_IDENTIFY_BY, MAX_SESSIONS,
      STATEMENT_TIMEOUT_SECONDS, SQL_MAX_TEXT_BYTES, SQL_MAX_NESTING_DEPTH,
      SQL_ALLOWED_PROVIDERS, SQL_USER_SETTABLE_CONF, SQL_PRIVATE_BY_DEFAULT,
      MAX_CONCURRENT_OPERATIONS, MAX_CONCURRENT_OPERATIONS_PER_USER, ADMISSION_WAIT_MS, POOL_USER_MAP,
      AUTH_ENABLED, AUTH_USERS_FILE, AUTH_TOKEN_TTL_SECONDS, AUTH_MAX_FAILED_LOGINS, TLS_ENABLED, TLS_CERT_FILE,
      TLS_KEY_FILE, DENIED_FUNCTIONS, AUTH_ROLES_FILE, JOBS_ALLOWED_DIRS, JOBS_DENIED_CONF,
      JOBS_MASTER, JOBS_DEPLOY_MODE, JOBS_SPARK_HOME, JOBS_PYSPARK_PYTHON,
      JOBS_IN_PROCESS_ENABLED);

  private final Path home;
  private final Path confDir;
  private final Map<String, Object> values;

  private LibraConfig(Path home, Path confDir, Map<String, Object> values) {
    this.home = home;
    this.confDir = confDir;
    this.values = values;
  }

  /**
   * Loads the configuration.
   *
   * @param home LIBRA_HOME: base for relative paths
   * @param confDir directory holding {@code libra.properties} (the file may be absent)
   * @param env environment variables (normally {@link System#getenv()})
   * @param overrides command-line {@code key=value} pairs
   * @throws IllegalArgumentException naming file/source and key for unknown keys or bad values
   * @throws IOException if the properties file exists but cannot be read
   */
  public static LibraConfig load(Path home, Path confDir, Map<String, String> env,
      Map<String, String> overrides) throws IOException {
    Map<String, ConfigEntry<?>> byKey = new LinkedHashMap<>();
    for (ConfigEntry<?> e : ENTRIES) {
      byKey.put(e.key(), e);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigEntry<?> e : ENTRIES) {
      values.put(e.key(), e.parse(e.defaultText(), "default"));
    }
    Path file = confDir.resolve("libra.properties");
    if (Files.exists(file)) {
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(r);
      }
      for (String key : props.stringPropertyNames()) {
        apply(byKey, values, key, props.getProperty(key), file.toString());
      }
    }
    for (ConfigEntry<?> e : ENTRIES) {
      String v = env.get(e.envName());
      if (v != null) {
        values.put(e.key(), e.parse(v, "environment variable " + e.envName()));
      }
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      apply(byKey, values, o.getKey(), o.getValue(), "command line");
    }
    return new LibraConfig(home, confDir, values);
  }

  private static void apply(Map<String, ConfigEntry<?>> byKey, Map<String, Object> values,
      String key, String text, String source) {
    ConfigEntry<?> entry = byKey.get(key);
    if (entry == null) {
      throw new IllegalArgumentException(source + ": unknown setting '" + key
          + "' (known: " + String.join(", ", byKey.keySet()) + ")");
    }
    values.put(key, entry.parse(text, source));
  }

  /** The value of an entry. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigEntry<T> entry) {
    return (T) values.get(entry.key());
  }

  public Path home() {
    return home;
  }

  public Path confDir() {
    return confDir;
  }

  /** {@link #DENIED_FUNCTIONS} as a set of lower-case names. */
  public java.util.Set<String> deniedFunctions() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (String n : get(DENIED_FUNCTIONS).split(",")) {
      if (!n.isBlank()) {
        names.add(n.trim().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return names;
  }

  /** The work directory, absolute. */
  public Path workDir() {
    return home.resolve(get(WORK_DIR)).toAbsolutePath().normalize();
  }
}
