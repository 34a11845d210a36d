package io.libra.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpSessionOptionValueVisitor;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.client.ClientCookieMiddleware;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A JDBC connection to Libra's gateway: one {@link FlightClient} (its own gRPC channel and Arrow
 * allocator) wrapped in a {@link FlightSqlClient}, with the session cookie kept by
 * {@link ClientCookieMiddleware}, so every call of the connection is one gateway session (its own
 * SparkSession, statements and FAIR pool).
 *
 * <p>Opening: the Flight basic-auth handshake when {@code user} is set (its bearer token is then
 * sent on every call), and one {@code SetSessionOptions} (catalog, schema, pool from the URL) or
 * {@code GetSessionOptions} call within {@code connectTimeout}, which fails the connection with a
 * plain message when the gateway cannot be reached, speaks the other TLS mode or refuses the
 * credentials. {@link #setCatalog}/{@link #setSchema} are {@code SetSessionOptions} (a bad name is
 * an SQLException naming it, SQLSTATE 3D000/3F000), {@link #getCatalog}/{@link #getSchema}
 * {@code GetSessionOptions}, cached until a statement runs. {@link #close()} closes the open
 * statements and sends {@code CloseSession} once (5 s at most; failures are ignored). Auto-commit
 * only: every statement commits on its own in Spark.
 */
final class LibraConnection implements Connection {
  private static final int CLOSE_SESSION_MILLIS = 5_000;

  private final ConnectionConfig config;
  private final BufferAllocator allocator;
  private final FlightClient client;
  private final FlightSqlClient sql;
  /** Credentials and extra headers: sent on every call. */
  private final CallOption[] base;
  private final Set<AutoCloseable> statements = ConcurrentHashMap.newKeySet();
  private final Properties clientInfo = new Properties();
  private volatile boolean closed;
  private volatile int networkTimeoutMillis;
  private volatile Map<String, String> sessionOptions;
  private SQLWarning warnings;

  /** The connection's URL and properties, parsed. */
  ConnectionConfig config() {
    return config;
  }

  LibraConnection(ConnectionConfig config) throws SQLException {
    this.config = config;
    this.allocator = new RootAllocator(Long.MAX_VALUE);
    FlightClient c = null;
    try {
      Location location = config.tls ? Location.forGrpcTls(config.host, config.port)
          : Location.forGrpcInsecure(config.host, config.port);
      FlightClient.Builder b = FlightClient.builder(allocator, location)
          .intercept(new ClientCookieMiddleware.Factory());
      if (config.tls) {
        b.useTls().verifyServer(config.verifyServer);
        if (config.tlsRootCerts != null) {
          // Read now: the builder reads the stream when it builds the channel.
          b.trustedCertificates(new java.io.ByteArrayInputStream(
              Files.readAllBytes(Path.of(config.tlsRootCerts))));
        }
      }
      c = b.build();
      List<CallOption> options = new ArrayList<>();
      if (!config.headers.isEmpty()) {
        FlightCallHeaders h = new FlightCallHeaders();
        config.headers.forEach(h::insert);
        options.add(new HeaderCallOption(h));
      }
      if (config.token != null) {
        options.add(new CredentialCallOption(new BearerCredentialWriter(config.token)));
      } else if (config.user != null) {
        c.authenticateBasicToken(config.user, config.password == null ? "" : config.password)
            .ifPresent(options::add);
      }
      this.base = options.toArray(new CallOption[0]);
      this.client = c;
      this.sql = new FlightSqlClient(c);
      openSession();
    } catch (IOException e) {
      closeQuietly(c);
      allocator.close();
      throw new SQLException("cannot read tlsRootCerts '" + config.tlsRootCerts + "': " + e,
          "08001", e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      allocator.close();
      throw SqlErrors.connecting(e, config.host, config.port, config.tls);
    } catch (SQLException e) {
      closeQuietly(c);
      allocator.close();
      throw e;
    }
  }

  private void openSession() throws SQLException {
    CallOption[] first = with(base, CallOptions.timeout(config.connectTimeoutSeconds,
        TimeUnit.SECONDS));
    Map<String, String> wanted = new LinkedHashMap<>();
    if (config.catalog != null) {
      wanted.put("catalog", config.catalog);
    }
    if (config.schema != null) {
      wanted.put("schema", config.schema);
    }
    if (config.pool != null) {
      wanted.put("pool", config.pool);
    }
    if (wanted.isEmpty()) {
      readSessionOptions(first);
    } else {
      setSessionOptions(wanted, first);
    }
  }

  // ---- what statements, result sets and metadata use ----

  /** The Flight SQL client of this connection. */
  FlightSqlClient sql() {
    return sql;
  }

  /** Flight clients of endpoint locations other than the gateway (executor-direct fetch). */
  private final Map<String, FlightClient> locationClients = new ConcurrentHashMap<>();

  /**
   * Opens the stream of {@code endpoint}: on this connection when it has no location (or
   * Flight's {@code arrow-flight-reuse-connection://?}), else on a client of its first location
   * (one per location, kept while the connection is open, with this connection's TLS settings
   * and no credentials: such a ticket is its own credential), for an executor endpoint of the
   * gateway's executor-direct fetch.
   */
  org.apache.arrow.flight.FlightStream stream(org.apache.arrow.flight.FlightEndpoint endpoint,
      CallOption... options) {
    List<Location> locations = endpoint.getLocations();
    if (locations.isEmpty()
        || locations.get(0).getUri().getScheme().equals("arrow-flight-reuse-connection")) {
      return sql.getStream(endpoint.getTicket(), options);
    }
    Location at = locations.get(0);
    FlightClient c = locationClients.computeIfAbsent(at.getUri().toString(), k -> {
      FlightClient.Builder b = FlightClient.builder(allocator, at);
      if (at.getUri().getScheme().equals("grpc+tls")) {
        b.verifyServer(config.verifyServer);
        if (config.tlsRootCerts != null) {
          try {
            b.trustedCertificates(new java.io.ByteArrayInputStream(
                Files.readAllBytes(Path.of(config.tlsRootCerts))));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
      return b.build();
    });
    return c.getStream(endpoint.getTicket());
  }

  /** The plain Flight client (for {@code PollFlightInfo}). */
  FlightClient flight() {
    return client;
  }

  /** The connection's root allocator: result batches and parameters are allocated here. */
  BufferAllocator allocator() {
    return allocator;
  }

  /** Credentials and headers, for calls that stream (no deadline). */
  CallOption[] options() {
    return base;
  }

  /** {@link #options()} plus the network timeout as deadline, for short calls. */
  CallOption[] controlOptions() {
    int ms = networkTimeoutMillis;
    return ms <= 0 ? base : with(base, CallOptions.timeout(ms, TimeUnit.MILLISECONDS));
  }

  /**
   * Options of a statement's execution: {@link #options()} plus the call header
   * {@code statement_timeout} (seconds; the gateway cancels the statement and its Spark jobs after
   * that long and answers TIMED_OUT) when {@code timeoutSeconds > 0}.
   */
  CallOption[] statementOptions(int timeoutSeconds) {
    if (timeoutSeconds <= 0) {
      return base;
    }
    FlightCallHeaders h = new FlightCallHeaders();
    h.insert("statement_timeout", Integer.toString(timeoutSeconds));
    return with(base, new HeaderCallOption(h));
  }

  /** @throws SQLException SQLSTATE 08003 when the connection is closed */
  void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLNonTransientConnectionException("the connection is closed", "08003");
    }
  }

  /** Called when a statement ran: it may have changed the current catalog or schema (USE). */
  void sessionMayHaveChanged() {
    sessionOptions = null;
  }

  /** Tracks an open statement, closed with the connection. */
  void opened(AutoCloseable statement) {
    statements.add(statement);
  }

  /** Forgets a statement that closed. */
  void closed(AutoCloseable statement) {
    statements.remove(statement);
  }

  static CallOption[] with(CallOption[] options, CallOption extra) {
    CallOption[] out = java.util.Arrays.copyOf(options, options.length + 1);
    out[options.length] = extra;
    return out;
  }

  // ---- session options ----

  private Map<String, String> readSessionOptions(CallOption[] options) throws SQLException {
    Map<String, String> cached = sessionOptions;
    if (cached != null) {
      return cached;
    }
    GetSessionOptionsResult result;
    try {
      result = sql.getSessionOptions(new GetSessionOptionsRequest(), options);
    } catch (RuntimeException e) {
      throw SqlErrors.connecting(e, config.host, config.port, config.tls);
    }
    Map<String, String> out = new LinkedHashMap<>();
    result.getSessionOptions().forEach((k, v) -> out.put(k, text(v)));
    sessionOptions = out;
    return out;
  }

  private static String text(SessionOptionValue v) {
    return v.acceptVisitor(new NoOpSessionOptionValueVisitor<String>() {
      @Override
      public String visit(String value) {
        return value;
      }

      @Override
      public String visit(long value) {
        return Long.toString(value);
      }

      @Override
      public String visit(double value) {
        return Double.toString(value);
      }

      @Override
      public String visit(boolean value) {
        return Boolean.toString(value);
      }
    });
  }

  private void setSessionOptions(Map<String, String> values, CallOption[] options)
      throws SQLException {
    Map<String, SessionOptionValue> request = new LinkedHashMap<>();
    values.forEach((k, v) -> request.put(k, SessionOptionValueFactory.makeSessionOptionValue(v)));
    SetSessionOptionsResult result;
    try {
      result = sql.setSessionOptions(new SetSessionOptionsRequest(request), options);
    } catch (RuntimeException e) {
      throw SqlErrors.connecting(e, config.host, config.port, config.tls);
    } finally {
      sessionOptions = null;
    }
    if (result.hasErrors()) {
      Map.Entry<String, SetSessionOptionsResult.Error> first =
          result.getErrors().entrySet().iterator().next();
      String key = first.getKey();
      String state = switch (key) {
        case "catalog" -> "3D000";
        case "schema" -> "3F000";
        default -> "HY024";
      };
      throw new SQLException("the gateway refused " + key + " '" + values.get(key) + "' ("
          + first.getValue().value + "): " + (key.equals("catalog") || key.equals("schema")
          ? "no such " + key + " (see DatabaseMetaData.get" + (key.equals("catalog")
          ? "Catalogs" : "Schemas") + "())" : "not a value the gateway accepts for " + key),
          state);
    }
  }

  private String sessionOption(String key) throws SQLException {
    checkOpen();
    return readSessionOptions(controlOptions()).get(key);
  }

  // ---- Connection ----

  @Override
  public void setCatalog(String catalog) throws SQLException {
    checkOpen();
    if (catalog == null || catalog.isBlank()) {
      throw new SQLException("catalog must be a non-empty name", "3D000");
    }
    setSessionOptions(Map.of("catalog", catalog), controlOptions());
  }

  @Override
  public String getCatalog() throws SQLException {
    return sessionOption("catalog");
  }

  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
    if (schema == null || schema.isBlank()) {
      throw new SQLException("schema must be a non-empty name", "3F000");
    }
    setSessionOptions(Map.of("schema", schema), controlOptions());
  }

  @Override
  public String getSchema() throws SQLException {
    return sessionOption("schema");
  }

  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw new SQLException("timeout must not be negative", "HY024");
    }
    if (closed) {
      return false;
    }
    try {
      CallOption[] o = timeout == 0 ? base
          : with(base, CallOptions.timeout(timeout, TimeUnit.SECONDS));
      sql.getSessionOptions(new GetSessionOptionsRequest(), o);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable s : List.copyOf(statements)) {
      closeQuietly(s);
    }
    statements.clear();
    try {
      sql.closeSession(new CloseSessionRequest(),
          with(base, CallOptions.timeout(CLOSE_SESSION_MILLIS, TimeUnit.MILLISECONDS)));
    } catch (RuntimeException e) {
      // The session ends on the server anyway (idle timeout, or with the connection).
    }
    closeQuietly(sql);
    for (FlightClient c : locationClients.values()) {
      closeQuietly(c);
    }
    locationClients.clear();
    try {
      allocator.close();
    } catch (RuntimeException e) {
      // A result set still holding buffers (closed above); nothing a caller could do.
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (executor == null) {
      throw new SQLException("executor must not be null", "HY009");
    }
    closed = true;
    executor.execute(() -> {
      closed = false;
      close();
    });
  }

  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    if (milliseconds < 0) {
      throw new SQLException("network timeout must not be negative", "HY024");
    }
    networkTimeoutMillis = milliseconds;
  }

  @Override
  public int getNetworkTimeout() throws SQLException {
    checkOpen();
    return networkTimeoutMillis;
  }

  @Override
  public Statement createStatement() throws SQLException {
    checkOpen();
    FlightSqlStatement s = new FlightSqlStatement(this);
    opened(s);
    return s;
  }

  @Override
  public Statement createStatement(int resultSetType, int resultSetConcurrency)
      throws SQLException {
    checkResultSetKind(resultSetType, resultSetConcurrency);
    return createStatement();
  }

  @Override
  public Statement createStatement(int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) throws SQLException {
    checkResultSetKind(resultSetType, resultSetConcurrency);
    return createStatement();
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    checkOpen();
    FlightSqlPreparedStatement s = new FlightSqlPreparedStatement(this, sql);
    opened(s);
    return s;
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int resultSetType,
      int resultSetConcurrency) throws SQLException {
    checkResultSetKind(resultSetType, resultSetConcurrency);
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int resultSetType,
      int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    checkResultSetKind(resultSetType, resultSetConcurrency);
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys)
      throws SQLException {
    if (autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS) {
      throw new SQLFeatureNotSupportedException("Spark tables have no generated keys", "0A000");
    }
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    throw new SQLFeatureNotSupportedException("Spark tables have no generated keys", "0A000");
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames)
      throws SQLException {
    throw new SQLFeatureNotSupportedException("Spark tables have no generated keys", "0A000");
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    throw new SQLFeatureNotSupportedException("no CallableStatement: run CALL libra.<procedure>"
        + "(...) with Statement.execute or executeQuery", "0A000");
  }

  @Override
  public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    return prepareCall(sql);
  }

  @Override
  public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) throws SQLException {
    return prepareCall(sql);
  }

  /** Forward-only read-only result sets only; others are downgraded with a warning. */
  private void checkResultSetKind(int type, int concurrency) throws SQLException {
    checkOpen();
    if (type != ResultSet.TYPE_FORWARD_ONLY || concurrency != ResultSet.CONCUR_READ_ONLY) {
      addWarning(new SQLWarning("Libra's result sets are forward-only and read-only: the"
          + " statement was created TYPE_FORWARD_ONLY, CONCUR_READ_ONLY", "01000"));
    }
  }

  private synchronized void addWarning(SQLWarning w) {
    if (warnings == null) {
      warnings = w;
    } else {
      warnings.setNextWarning(w);
    }
  }

  @Override
  public String nativeSQL(String sql) throws SQLException {
    checkOpen();
    return sql;
  }

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    if (!autoCommit) {
      throw new SQLFeatureNotSupportedException("Libra has no transactions: every statement"
          + " commits on its own in Spark (auto-commit stays on)", "0A000");
    }
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return true;
  }

  /** Nothing to commit: every statement already committed (auto-commit). */
  @Override
  public void commit() throws SQLException {
    checkOpen();
  }

  /** Nothing to roll back: every statement already committed (auto-commit). */
  @Override
  public void rollback() throws SQLException {
    checkOpen();
  }

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    checkOpen();
    return new LibraDatabaseMetaData(this);
  }

  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return false;
  }

  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    if (level != Connection.TRANSACTION_NONE) {
      throw new SQLFeatureNotSupportedException("Libra has no transactions (isolation"
          + " TRANSACTION_NONE only)", "0A000");
    }
  }

  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    return Connection.TRANSACTION_NONE;
  }

  @Override
  public synchronized SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return warnings;
  }

  @Override
  public synchronized void clearWarnings() throws SQLException {
    checkOpen();
    warnings = null;
  }

  @Override
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    checkOpen();
    return new java.util.HashMap<>();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    throw new SQLFeatureNotSupportedException("no user-defined type mapping", "0A000");
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    throw new SQLFeatureNotSupportedException("Libra has no transactions", "0A000");
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    throw new SQLFeatureNotSupportedException("Libra has no transactions", "0A000");
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    throw new SQLFeatureNotSupportedException("Libra has no transactions", "0A000");
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    throw new SQLFeatureNotSupportedException("Libra has no transactions", "0A000");
  }

  @Override
  public Clob createClob() throws SQLException {
    throw new SQLFeatureNotSupportedException("no LOB types", "0A000");
  }

  @Override
  public Blob createBlob() throws SQLException {
    throw new SQLFeatureNotSupportedException("no LOB types", "0A000");
  }

  @Override
  public NClob createNClob() throws SQLException {
    throw new SQLFeatureNotSupportedException("no LOB types", "0A000");
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    throw new SQLFeatureNotSupportedException("no XML type", "0A000");
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    throw new SQLFeatureNotSupportedException("array parameters are not supported", "0A000");
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    throw new SQLFeatureNotSupportedException("struct parameters are not supported", "0A000");
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    clientInfo.clear();
    if (properties != null) {
      clientInfo.putAll(properties);
    }
  }

  @Override
  public String getClientInfo(String name) throws SQLException {
    checkOpen();
    return clientInfo.getProperty(name);
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    checkOpen();
    Properties p = new Properties();
    p.putAll(clientInfo);
    return p;
  }

  /** The user name the connection logged in with, or null without authentication. */
  String user() {
    return config.user;
  }

  /** {@code jdbc:libra://host:port}, for {@code DatabaseMetaData.getURL}. */
  String url() {
    return "jdbc:libra://" + (config.host.contains(":") ? "[" + config.host + "]" : config.host)
        + ":" + config.port;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface.getName(), "HY000");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
