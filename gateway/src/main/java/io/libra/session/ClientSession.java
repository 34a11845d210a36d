package io.libra.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.libra.operation.Operation;
import io.libra.operation.PendingQuery;
import io.libra.operation.PendingQueryRegistry;
import io.libra.operation.PreparedStatementRegistry;
import io.libra.util.AllocatorCloser;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.classic.SparkSession;

/**
 * One client connection's state and the one registry its handles are looked up in: the
 * authenticated user, its own {@link SparkSession} (a {@code newSession()} of the shared context,
 * so {@code SET}, {@code USE} and temporary views stay private), its own child allocator, its
 * session options (pool, statement timeout) and every statement it owns — prepared statements,
 * queries waiting for their {@code DoGet} and statements running. A handle or ticket of another
 * session is not found here.
 *
 * <p>{@link #close()} (CloseSession, idle expiry, the client's connection ending) releases all of
 * them at once: running statements cancelled, prepared statements and unread tickets dropped.
 */
public final class ClientSession implements AutoCloseable {
  private final String id;
  private final String user;
  private final String connectionId;
  private final SparkSession spark;
  private final BufferAllocator allocator;
  private final Map<String, Operation> statements = new ConcurrentHashMap<>();
  /** Ended statements, so a late cancel answers "not cancellable" instead of NOT_FOUND. */
  private final Cache<String, Operation> ended;
  private final PreparedStatementRegistry prepared;
  private final PendingQueryRegistry pending;
  private final AtomicInteger runningSteps = new AtomicInteger();
  private volatile String poolOption;
  private volatile boolean closed;
  private volatile boolean claimed;
  private volatile long lastAccessNanos = System.nanoTime();
  private final java.time.Instant createdAt = java.time.Instant.now();
  private volatile java.time.Instant lastActiveAt = createdAt;
  private volatile String clientAddress;
  private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
  /** Hashes of the bearer tokens calls on this session carried (revoked when it closes). */
  private final java.util.Set<String> tokenHashes = ConcurrentHashMap.newKeySet();

  private final Duration handleTtl;
  /** Results stored on the executors for direct fetch, by stream id: what drops each. */
  private final Map<String, Runnable> executorResults = new ConcurrentHashMap<>();

  /**
   * @param connectionId the client connection this session lives and dies with, or null
   * @param handleTtl how long an unread ticket or unused prepared statement is kept
   */
  ClientSession(String id, String user, String connectionId, SparkSession spark,
      BufferAllocator allocator, Duration handleTtl) {
    this.id = id;
    this.user = user;
    this.connectionId = connectionId;
    this.spark = spark;
    this.allocator = allocator;
    this.prepared = new PreparedStatementRegistry(handleTtl);
    this.handleTtl = handleTtl;
    this.pending = new PendingQueryRegistry(handleTtl, this::dropUnread);
    this.ended = Caffeine.newBuilder().expireAfterWrite(handleTtl).maximumSize(1_000).build();
  }

  public String id() {
    return id;
  }

  /** How long an unread ticket or unused prepared statement is kept. */
  public Duration handleTtl() {
    return handleTtl;
  }

  public String user() {
    return user;
  }

  /** The statements of this session not ended yet. */
  public java.util.Collection<Operation> liveOperations() {
    return java.util.List.copyOf(statements.values());
  }

  /** When this session opened. */
  public java.time.Instant createdAt() {
    return createdAt;
  }

  /** When a call last reached it. */
  public java.time.Instant lastActiveAt() {
    return lastActiveAt;
  }

  /** The client host of its first call that had one (null when unknown). */
  public String clientAddress() {
    return clientAddress;
  }

  public void noteClientAddress(String address) {
    if (clientAddress == null && address != null) {
      clientAddress = address;
    }
  }

  /** Statements of it with a step running now. */
  public long runningStatements() {
    return statements.values().stream().filter(Operation::isRunning).count();
  }

  /** Notes that a call on this session carried the bearer token of this hash. */
  public void noteToken(String tokenHash) {
    tokenHashes.add(tokenHash);
  }

  /** Hashes of the bearer tokens calls on this session carried. */
  public java.util.Set<String> tokenHashes() {
    return java.util.Set.copyOf(tokenHashes);
  }

  /** The client connection (transport) that opened this session, or null. */
  public String connectionId() {
    return connectionId;
  }

  public SparkSession spark() {
    return spark;
  }

  /** Parent of every allocation made for this session's streams. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** This session's prepared statements ({@code CreatePreparedStatement} handles). */
  public PreparedStatementRegistry prepared() {
    return prepared;
  }

  /** This session's queries waiting for their {@code DoGet}. */
  public PendingQueryRegistry pending() {
    return pending;
  }

  /** The pool chosen by session option {@code pool}, or null. */
  public String poolOption() {
    return poolOption;
  }

  public void setPoolOption(String pool) {
    this.poolOption = pool;
  }

  /**
   * The session's statement timeout in seconds (0 = none), or null when the session did not set
   * one: Spark session setting {@value #STATEMENT_TIMEOUT_CONF}, which the session option
   * {@code statement_timeout} and {@code SET libra.statement_timeout = N} both write.
   *
   * @throws IllegalArgumentException naming the setting when its value is not whole seconds >= 0
   */
  public Integer statementTimeoutSeconds() {
    scala.Option<String> v = spark.conf().getOption(STATEMENT_TIMEOUT_CONF);
    return v.isEmpty() ? null : parseTimeoutSeconds(v.get(), STATEMENT_TIMEOUT_CONF);
  }

  /** Sets the session's statement timeout ({@link #statementTimeoutSeconds()}). */
  public void setStatementTimeoutSeconds(int seconds) {
    spark.conf().set(STATEMENT_TIMEOUT_CONF, Integer.toString(seconds));
  }

  /** The Spark session setting that holds a session's statement timeout (seconds). */
  public static final String STATEMENT_TIMEOUT_CONF = "libra.statement_timeout";

  /**
   * A statement timeout: whole seconds &gt;= 0 (0 = none), as text ({@code "30"}, {@code "30.0"}).
   *
   * @throws IllegalArgumentException naming {@code where} otherwise
   */
  public static int parseTimeoutSeconds(String text, String where) {
    try {
      double d = Double.parseDouble(text.trim());
      if (d >= 0 && d <= Integer.MAX_VALUE && d == Math.rint(d)) {
        return (int) d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(where + ": '" + text
        + "' is not a whole number of seconds >= 0 (0 = no timeout)");
  }

  public boolean isClosed() {
    return closed;
  }

  /** Records a call of this session; {@code claim}: the client showed it knows the session. */
  void touch(boolean claim) {
    calls.incrementAndGet();
    lastAccessNanos = System.nanoTime();
    lastActiveAt = java.time.Instant.now();
    if (claim) {
      claimed = true;
    }
  }

  /**
   * Whether a client came back to this session (cookie, bearer token) or holds it by its
   * connection. Sessions made for single calls of clients that never return stay unclaimed.
   */
  boolean isClaimed() {
    return claimed;
  }

  /** Calls the session has had (each Flight call that found it counts once). */
  public long calls() {
    return calls.get();
  }

  long idleNanos() {
    return System.nanoTime() - lastAccessNanos;
  }

  /**
   * Registers a new statement of this session.
   *
   * @throws java.util.concurrent.CancellationException when the session is closed
   */
  public void add(Operation op) {
    statements.put(op.id(), op);
    if (closed) {
      statements.remove(op.id());
      op.cancel("session closed");
      throw new java.util.concurrent.CancellationException("session "
          + io.libra.util.PublicIds.of(id) + " is closed");
    }
  }

  /** The statement has ended: kept only to answer a late cancel. */
  public void remove(Operation op) {
    if (statements.get(op.id()) == op) {
      // Ended first, then out of the live ones: a lookup in between finds it either way.
      ended.put(op.id(), op);
      statements.remove(op.id(), op);
    }
  }

  /** This session's statement with this id (live or recently ended), or null. */
  public Operation statement(String statementId) {
    Operation op = statements.get(statementId);
    return op != null ? op : ended.getIfPresent(statementId);
  }

  /** Statements of this session that have not ended (running or waiting for their DoGet). */
  public int liveStatements() {
    return statements.size();
  }

  /** A step of one of its statements starts or ends running on the statement executor. */
  public void stepStarted() {
    runningSteps.incrementAndGet();
  }

  public void stepEnded() {
    runningSteps.decrementAndGet();
  }

  /**
   * Notes a result stored on the executors (executor-direct fetch): {@code drop} removes its
   * blocks, run when the session closes unless {@link #dropExecutorResult} ran it first.
   */
  public void holdExecutorResult(String streamId, Runnable drop) {
    executorResults.put(streamId, drop);
    if (closed) {
      dropExecutorResult(streamId);
    }
  }

  /** Drops executor result {@code streamId} now; false when the session holds no such result. */
  public boolean dropExecutorResult(String streamId) {
    Runnable drop = executorResults.remove(streamId);
    if (drop != null) {
      drop.run();
    }
    return drop != null;
  }

  /** Steps running now (a session with one is never closed for being idle). */
  int runningSteps() {
    return runningSteps.get();
  }

  private void dropUnread(PendingQuery query) {
    io.libra.operation.OperationRunner.dropUnread(this, query.operation());
  }

  /**
   * Closes the session: cancels its running statements (and their Spark jobs), drops its prepared
   * statements and unread tickets; the allocator is closed once the last stream released its
   * buffers (streams close their child allocators on every path).
   */
  @Override
  public void close() {
    closed = true;
    pending.clear();
    for (String streamId : executorResults.keySet()) {
      dropExecutorResult(streamId);
    }
    prepared.clear();
    for (Operation op : statements.values()) {
      op.cancel("session closed");
    }
    AllocatorCloser.closeWhenFree(allocator, 60_000);
  }
}
