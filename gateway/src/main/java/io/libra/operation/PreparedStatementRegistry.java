package io.libra.operation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * One session's open prepared statements by handle (Flight SQL {@code prepared_statement_handle}). Entries not used
 * for {@code idleTimeout} are dropped; closing is idempotent.
 */
public final class PreparedStatementRegistry {
  private final Cache<String, AnalyzedStatement> statements;

  public PreparedStatementRegistry(Duration idleTimeout) {
    this.statements = Caffeine.newBuilder().expireAfterAccess(idleTimeout).build();
  }

  /** Registers a statement and returns its new handle. */
  public String register(AnalyzedStatement statement) {
    String handle = Handles.newHandle();
    statements.put(handle, statement);
    return handle;
  }

  /** @throws HandleNotFoundException when the handle is unknown, closed or expired */
  public AnalyzedStatement get(String handle) {
    AnalyzedStatement s = statements.getIfPresent(handle);
    if (s == null) {
      throw new HandleNotFoundException("prepared statement", handle);
    }
    return s;
  }

  /** Prepared statements open now (not closed, not expired). */
  public long open() {
    statements.cleanUp();
    return statements.estimatedSize();
  }

  /** Drops every prepared statement (the session closes). */
  public void clear() {
    statements.invalidateAll();
  }

  /** Closes a handle; closing an unknown or already closed handle does nothing. */
  public void close(String handle) {
    statements.invalidate(handle);
  }
}
