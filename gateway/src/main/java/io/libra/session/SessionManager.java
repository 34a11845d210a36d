package io.libra.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.libra.operation.AdmissionException;
import java.time.Duration;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.classic.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client sessions by id (the Flight session cookie {@code arrow_flight_session_id}, or the bearer
 * token's session). A session idle for {@code idleTimeout} is closed by a scheduler even when no
 * call arrives; closing cancels its operations and releases its allocator. At most
 * {@code maxSessions} exist at once (RESOURCE_EXHAUSTED beyond).
 */
public final class SessionManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

  private final SparkSession root;
  private final BufferAllocator allocator;
  private final int maxSessions;
  private final Cache<String, ClientSession> sessions;

  public SessionManager(SparkSession root, BufferAllocator allocator, Duration idleTimeout,
      int maxSessions) {
    this.root = root;
    this.allocator = allocator;
    this.maxSessions = maxSessions;
    this.sessions = Caffeine.newBuilder()
        .expireAfterAccess(idleTimeout)
        .scheduler(Scheduler.systemScheduler())
        .removalListener((String id, ClientSession s, RemovalCause cause) -> {
          if (s != null) {
            LOG.info("session {} of {} closed ({})", id, s.user(),
                cause == RemovalCause.EXPIRED ? "idle timeout" : "closed");
            s.close();
          }
        })
        .build();
  }

  /**
   * The session with this id, created for {@code user} if absent (concurrent first calls with
   * the same id get the same session).
   *
   * @throws AdmissionException when {@code maxSessions} sessions are open
   * @throws SecurityException when the id belongs to another user
   */
  public ClientSession getOrCreate(String id, String user) {
    ClientSession s = sessions.get(id, key -> {
      if (sessions.estimatedSize() >= maxSessions) {
        sessions.cleanUp();
        if (sessions.estimatedSize() >= maxSessions) {
          throw new AdmissionException("the gateway has " + maxSessions
              + " open sessions (libra.sessions.max); close idle connections or retry later");
        }
      }
      SparkSession spark = root.newSession();
      BufferAllocator child = allocator.newChildAllocator("session-" + key, 0, Long.MAX_VALUE);
      LOG.info("session {} opened for {}", key, user);
      return new ClientSession(key, user, spark, child);
    });
    if (!s.user().equals(user)) {
      throw new SecurityException("session belongs to another user");
    }
    return s;
  }

  /** Closes a session; unknown ids are ignored. Returns whether one was closed. */
  public boolean close(String id) {
    // The removal listener closes the removed session.
    return sessions.asMap().remove(id) != null;
  }

  /** Open sessions (expired ones are cleaned first). */
  public long count() {
    sessions.cleanUp();
    return sessions.estimatedSize();
  }

  @Override
  public void close() {
    sessions.invalidateAll();
    sessions.cleanUp();
  }
}
