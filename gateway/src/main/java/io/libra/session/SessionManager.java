package io.libra.session;

import io.libra.util.PublicIds;
import io.libra.engine.FileAccessGuard;
import io.libra.operation.AdmissionException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.classic.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client sessions by id: the Flight session cookie ({@code arrow_flight_session_id}), the bearer
 * token's session, or the client connection's session.
 *
 * <p>A session opened on a client connection (when sessions are identified by connection) lives
 * as long as that connection: {@link #closeConnection} closes it as soon as the transport ends.
 *
 * <p>A session is <em>claimed</em> once a client comes back to it (a later call with its cookie,
 * or any call with a bearer token). Claimed sessions close after {@code idleTimeout} without a
 * call; unclaimed ones — what a client without cookie support leaves behind on every call — after
 * the short {@code unclaimedTimeout}. A session running a statement is never closed for being idle.
 * Closing cancels its statements and releases its allocator. At most {@code maxSessions} claimed
 * sessions exist at once (RESOURCE_EXHAUSTED beyond); unclaimed ones do not count, so such clients
 * cannot lock others out.
 */
public final class SessionManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

  private final SparkSession root;
  private final BufferAllocator allocator;
  private final int maxSessions;
  private final Predicate<String> mayUsePaths;
  private final long idleNanos;
  private final long unclaimedNanos;
  private final Duration handleTtl;
  private final java.util.Set<String> deniedFunctions;
  private final io.libra.engine.UserSqlBoundary boundary;
  private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;
  private final java.util.concurrent.atomic.AtomicLong writeEpoch =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param handleTtl how long a session keeps an unread ticket or unused prepared statement
   * @param deniedFunctions {@code libra.sql.denied-functions}: refused in every session's
   *     statements ({@link io.libra.engine.SqlGuard#deny})
   * @param mayUsePaths whether a user's sessions may use server paths in SQL; the others' Spark
   *     sessions are registered with {@link FileAccessGuard#deny}
   * @param boundary what users may do in SQL by role (every session is registered with it), or
   *     null for none (authentication off: every client is a local user)
   */
  public SessionManager(SparkSession root, BufferAllocator allocator, Duration idleTimeout,
      Duration unclaimedTimeout, int maxSessions, Duration handleTtl,
      java.util.Set<String> deniedFunctions, Predicate<String> mayUsePaths,
      io.libra.engine.UserSqlBoundary boundary) {
    this.boundary = boundary;
    this.handleTtl = handleTtl;
    this.deniedFunctions = java.util.Set.copyOf(deniedFunctions);
    this.mayUsePaths = mayUsePaths;
    this.root = root;
    this.allocator = allocator;
    this.maxSessions = maxSessions;
    this.idleNanos = idleTimeout.toNanos();
    this.unclaimedNanos = Math.min(unclaimedTimeout.toNanos(), idleNanos);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "libra-session-sweeper");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(100, Math.min(1000, unclaimedTimeout.toMillis() / 2));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * The session with this id, created for {@code user} if absent (concurrent first calls with the
   * same id get the same session).
   *
   * @param claim whether the caller named an existing session (cookie or bearer token) or holds
   *     it by its connection
   * @param connectionId the connection a new session lives and dies with, or null
   * @throws AdmissionException when {@code maxSessions} claimed sessions are open
   * @throws SecurityException when the id belongs to another user
   */
  public ClientSession getOrCreate(String id, String user, boolean claim, String connectionId) {
    if (claim && !sessions.containsKey(id) && claimedCount() >= maxSessions) {
      throw rejected("the gateway has " + maxSessions
          + " open sessions (libra.sessions.max); close idle connections or retry later");
    }
    ClientSession s = sessions.computeIfAbsent(id, key -> {
      SparkSession spark = root.newSession();
      io.libra.engine.SqlGuard.deny(spark, deniedFunctions);
      if (boundary != null) {
        boundary.restrict(spark, user);
      }
      if (!mayUsePaths.test(user)) {
        FileAccessGuard.deny(spark, user);
      }
      BufferAllocator child = allocator.newChildAllocator("session-" + PublicIds.of(key), 0,
          Long.MAX_VALUE);
      LOG.info("session {} opened for {}", PublicIds.of(key), user);
      OF_SPARK.put(spark, this);
      return new ClientSession(key, user, connectionId, spark, child, handleTtl);
    });
    if (!s.user().equals(user)) {
      throw new SecurityException("session belongs to another user");
    }
    if (claim && !s.isClaimed() && claimedCount() >= maxSessions) {
      throw rejected("the gateway has " + maxSessions
          + " open sessions (libra.sessions.max); close idle connections or retry later");
    }
    s.touch(claim);
    return s;
  }

  /**
   * The open session with this id, for a later call of {@code user} that named it (its cookie):
   * claimed, never created.
   *
   * @throws SessionNotFoundException when no session of that id is open (closed, expired, or
   *     never issued by this gateway)
   * @throws SecurityException when the session belongs to another user
   * @throws AdmissionException when claiming it would exceed {@code maxSessions}
   */
  public ClientSession claim(String id, String user) {
    ClientSession s = sessions.get(id);
    if (s == null) {
      throw new SessionNotFoundException(id);
    }
    if (!s.user().equals(user)) {
      throw new SecurityException("session belongs to another user");
    }
    if (!s.isClaimed() && claimedCount() >= maxSessions) {
      throw rejected("the gateway has " + maxSessions
          + " open sessions (libra.sessions.max); close idle connections or retry later");
    }
    s.touch(true);
    return s;
  }

  /** Whether a session with this id is open. */
  public boolean isOpen(String id) {
    return sessions.containsKey(id);
  }

  private long claimedCount() {
    return sessions.values().stream().filter(ClientSession::isClaimed).count();
  }

  private volatile java.util.function.Consumer<String> revokeToken = hash -> { };

  private void sweep() {
    try {
      for (ClientSession s : sessions.values()) {
        long limit = s.isClaimed() ? idleNanos : unclaimedNanos;
        s.pending().cleanUp();
        if (s.runningSteps() == 0 && s.idleNanos() > limit) {
          if (sessions.remove(s.id(), s)) {
            LOG.info("session {} of {} closed ({})", PublicIds.of(s.id()), s.user(),
                s.isClaimed() ? "idle timeout" : "never reused");
            s.close();
            logOut(s);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("session sweep failed", e);
    }
  }

  /**
   * After a write through any session (DDL, DML, bulk ingest): drops the table relations every
   * session has cached ({@code SessionCatalog.invalidateAllCachedTables}). Spark caches a table's
   * resolved relation, with its file listing, per SparkSession and refreshes only the writer's,
   * so without this another connection would keep reading the old files — or fail with
   * FAILED_READ_FILE.FILE_NOT_EXIST after an overwrite.
   */
  public void invalidateTableCaches() {
    writeEpoch.incrementAndGet();
    root.sessionState().catalog().invalidateAllCachedTables();
    for (ClientSession s : sessions.values()) {
      s.spark().sessionState().catalog().invalidateAllCachedTables();
    }
  }

  /** How many times tables were written (DDL, DML, ingest) since the start; only grows. */
  public long writeEpoch() {
    return writeEpoch.get();
  }

  /**
   * From now on, a session closed by CloseSession ({@link #close(String)}) or idle expiry hands
   * each bearer token hash its calls carried to {@code revoke}: logging out logs out. A session
   * whose connection ended keeps its tokens (the client may reconnect with them).
   */
  public void onLogout(java.util.function.Consumer<String> revoke) {
    this.revokeToken = revoke;
  }

  private void logOut(ClientSession s) {
    s.tokenHashes().forEach(revokeToken);
  }

  /**
   * Closes a session (CloseSession; also what revokes its tokens, {@link #onLogout}); unknown ids
   * are ignored. Returns whether one was closed.
   */
  public boolean close(String id) {
    ClientSession s = sessions.remove(id);
    if (s != null) {
      LOG.info("session {} of {} closed (CloseSession)", PublicIds.of(id), s.user());
      s.close();
      logOut(s);
      return true;
    }
    return false;
  }

  /**
   * The client connection {@code connectionId} ended: closes every session that lives with it
   * (running statements cancelled, prepared statements and unread tickets dropped).
   *
   * @return how many sessions were closed
   */
  public int closeConnection(String connectionId) {
    int n = 0;
    for (ClientSession s : sessions.values()) {
      if (connectionId.equals(s.connectionId()) && sessions.remove(s.id(), s)) {
        LOG.info("session {} of {} closed (its connection ended)", PublicIds.of(s.id()),
            s.user());
        s.close();
        n++;
      }
    }
    return n;
  }

  /** The session with this id, or null. */
  public ClientSession find(String id) {
    return sessions.get(id);
  }

  /** A statement of any open session (tests, metrics), or null. */
  public io.libra.operation.Operation findStatement(String statementId) {
    for (ClientSession s : sessions.values()) {
      io.libra.operation.Operation op = s.statement(statementId);
      if (op != null) {
        return op;
      }
    }
    return null;
  }

  /** Prepared statements open now, over all sessions. */
  public long openPreparedStatements() {
    return sessions.values().stream().mapToLong(s -> s.prepared().open()).sum();
  }

  /** Query tickets handed out and not read yet, over all sessions. */
  public long unreadTickets() {
    return sessions.values().stream().mapToLong(s -> s.pending().unread()).sum();
  }

  /** Statements not ended yet (running or waiting for their DoGet), over all sessions. */
  public long liveStatements() {
    return sessions.values().stream().mapToLong(ClientSession::liveStatements).sum();
  }

  private volatile java.util.function.Consumer<String> onRejected = limit -> { };

  /** From now on, told of every session refused for libra.sessions.max. */
  public void onRejected(java.util.function.Consumer<String> listener) {
    this.onRejected = listener;
  }

  private AdmissionException rejected(String message) {
    onRejected.accept("libra.sessions.max");
    return new AdmissionException("libra.sessions.max", message);
  }

  /**
   * Closes the session whose public id ({@link PublicIds}) is {@code publicId}, as CloseSession
   * would (tokens revoked), if {@code onlyOf} is null or its user.
   *
   * @return the session's user, or null when none matched
   */
  public String closeByPublicId(String publicId, String onlyOf) {
    for (ClientSession s : sessions.values()) {
      if (PublicIds.of(s.id()).equals(publicId) && (onlyOf == null || onlyOf.equals(s.user()))
          && close(s.id())) {
        return s.user();
      }
    }
    return null;
  }

  /**
   * Cancels the live statement whose public id is {@code publicId}, if {@code onlyOf} is null or
   * its user.
   *
   * @return the statement's user, or null when none matched
   */
  public String cancelByPublicId(String publicId, String onlyOf, String reason) {
    for (ClientSession s : sessions.values()) {
      if (onlyOf != null && !onlyOf.equals(s.user())) {
        continue;
      }
      for (io.libra.operation.Operation op : s.liveOperations()) {
        if (op.publicId().equals(publicId)) {
          op.cancel(reason);
          return s.user();
        }
      }
    }
    return null;
  }

  /** The manager of the sessions each client SparkSession belongs to (weak keys). */
  private static final Map<org.apache.spark.sql.SparkSession, SessionManager> OF_SPARK =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /** The manager whose session {@code spark} is, or null (the root session, jobs). */
  public static SessionManager of(org.apache.spark.sql.SparkSession spark) {
    return OF_SPARK.get(spark);
  }

  private volatile io.libra.history.QueryHistory history;

  /** The statement history {@code libra.queries} of this manager's sessions reads, or null. */
  public io.libra.history.QueryHistory history() {
    return history;
  }

  public void setHistory(io.libra.history.QueryHistory history) {
    this.history = history;
  }

  /** The open sessions {@code user} may see: all when {@code all}, else their own. */
  public java.util.List<ClientSession> visibleTo(String user, boolean all) {
    return sessions.values().stream().filter(s -> all || s.user().equals(user))
        .sorted(java.util.Comparator.comparing(ClientSession::createdAt)).toList();
  }

  /** Statements running now (a step executing), by FAIR pool, for metrics. */
  public Map<String, Long> runningByPool() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (ClientSession s : sessions.values()) {
      for (io.libra.operation.Operation op : s.liveOperations()) {
        if (op.isExecuting()) {
          out.merge(op.pool(), 1L, Long::sum);
        }
      }
    }
    return out;
  }

  /** Open sessions whose id matches, for tests and metrics. */
  public long count(java.util.function.Predicate<String> id) {
    return sessions.keySet().stream().filter(id).count();
  }

  /** Open sessions, claimed or not. */
  public long count() {
    return sessions.size();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    for (String id : sessions.keySet()) {
      close(id);
    }
  }

  /** Closes the history after the last statement has ended (what is queued is written first). */
  public void closeHistory() {
    io.libra.history.QueryHistory h = history;
    if (h != null) {
      try {
        h.close();
      } catch (java.sql.SQLException e) {
        org.slf4j.LoggerFactory.getLogger(SessionManager.class)
            .warn("closing the query history: {}", e.toString());
      }
    }
  }
}
