package io.libra.operation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One session's queries waiting for their {@code DoGet}, by ticket id
 * ({@code TicketStatementQuery.statement_handle}, the statement's id). A ticket is read once:
 * {@link #take} removes it. Unread tickets expire after {@code ttl}; {@link #clear} drops them all.
 * Either way the dropped query is handed to {@code dropped} (which ends its statement).
 */
public final class PendingQueryRegistry {
  private final Cache<String, PendingQuery> pending;
  private final Consumer<PendingQuery> dropped;

  public PendingQueryRegistry(Duration ttl, Consumer<PendingQuery> dropped) {
    this.dropped = dropped;
    this.pending = Caffeine.newBuilder().expireAfterWrite(ttl)
        .executor(Runnable::run)
        .<String, PendingQuery>removalListener((id, query, cause) -> {
          if (query != null && cause != RemovalCause.EXPLICIT) {
            dropped.accept(query);
          }
        }).build();
  }

  /** Registers under the id of the query's statement, which is the ticket id. */
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

  /** @throws HandleNotFoundException when the ticket is unknown, already read or expired */
  public PendingQuery peek(String id) {
    PendingQuery q = pending.getIfPresent(id);
    if (q == null) {
      throw new HandleNotFoundException("ticket", id);
    }
    return q;
  }

  /** Drops every unread ticket (the session closes). */
  public void clear() {
    for (String id : pending.asMap().keySet()) {
      PendingQuery q = pending.asMap().remove(id); // explicit: the listener skips it
      if (q != null) {
        dropped.accept(q);
      }
    }
  }

  /** Expires what is due. */
  public void cleanUp() {
    pending.cleanUp();
  }
}
