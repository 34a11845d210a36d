package io.libra.operation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Queries waiting for their {@code DoGet}, by ticket id ({@code TicketStatementQuery.statement_handle}).
 * A ticket is read once: {@link #take} removes it. Unread tickets expire after {@code ttl}.
 */
public final class PendingQueryRegistry {
  private final Cache<String, PendingQuery> pending;

  public PendingQueryRegistry(Duration ttl) {
    this.pending = Caffeine.newBuilder().expireAfterWrite(ttl).build();
  }

  /** Registers under the id of the query's operation, which is the ticket id. */
  public String register(PendingQuery query) {
    String id = query.operation().id();
    pending.put(id, query);
    return id;
  }

  /** Tickets handed out and not read yet (not expired). */
  public long unread() {
    pending.cleanUp();
    return pending.estimatedSize();
  }

  /** @throws HandleNotFoundException when the ticket is unknown, already read or expired */
  public PendingQuery take(String id) {
    PendingQuery q = pending.asMap().remove(id);
    if (q == null) {
      throw new HandleNotFoundException("ticket", id);
    }
    return q;
  }
}
