package io.libra.operation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One session's queries waiting for their {@code DoGet}, by ticket id
 * ({@code TicketStatementQuery.statement_handle}: the statement's id, or {@code <id>/<index>}
 * for each endpoint of a result with several). A ticket is read once: {@link #take} removes it
 * (a result with several endpoints once all are read). Unread tickets expire {@code ttl} after
 * they were handed out, after an endpoint of theirs was last read or after
 * {@code RenewFlightEndpoint} ({@link #renew}) — not while an endpoint of theirs streams;
 * {@link #clear} drops them all. Either way the dropped query is handed to {@code dropped} (which
 * ends its statement).
 */
public final class PendingQueryRegistry {
  private final Cache<String, PendingQuery> pending;
  private final Consumer<PendingQuery> dropped;

  public PendingQueryRegistry(Duration ttl, Consumer<PendingQuery> dropped) {
    this.dropped = dropped;
    this.pending = Caffeine.newBuilder().expireAfterWrite(ttl)
        .executor(Runnable::run)
        .<String, PendingQuery>removalListener(this::removed).build();
  }

  private void removed(String id, PendingQuery query, RemovalCause cause) {
    if (query == null || !cause.wasEvicted()) {
      return;
    }
    if (cause == RemovalCause.EXPIRED && query.reads().anyTaken()
        && query.operation().isExecuting() && !query.operation().isCancelled()) {
      pending.asMap().putIfAbsent(id, query); // endpoints of its result stream now: kept
      return;
    }
    dropped.accept(query);
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

  /**
   * Takes the ticket {@code handle}: a statement id, or {@code <id>/<index>} for one endpoint of
   * a result with several.
   *
   * @throws HandleNotFoundException when the ticket is unknown, already read or expired
   */
  public PendingQuery take(String handle) {
    int slash = handle.indexOf('/');
    if (slash < 0) {
      PendingQuery q = pending.getIfPresent(handle);
      if (q == null || q.reads().count() != 1 || !pending.asMap().remove(handle, q)) {
        // unknown, read, expired — or a result of several endpoints, read by their tickets
        throw new HandleNotFoundException("ticket", handle);
      }
      return q;
    }
    String id = handle.substring(0, slash);
    int index = EndpointReads.parseIndex(handle.substring(slash + 1));
    PendingQuery q = pending.getIfPresent(id);
    if (q == null || q.reads().count() == 1 || !q.reads().take(index)) {
      throw new HandleNotFoundException("ticket", handle);
    }
    if (q.reads().allTaken()) {
      pending.asMap().remove(id, q);
    } else {
      pending.asMap().replace(id, q, q); // its expiry counts from now
    }
    return q;
  }

  /**
   * {@code RenewFlightEndpoint}: the unread ticket {@code handle} (or its result's, for an
   * endpoint) is kept {@code ttl} from now.
   *
   * @throws HandleNotFoundException when the ticket is unknown, already read or expired
   */
  public void renew(String handle) {
    int slash = handle.indexOf('/');
    String id = slash < 0 ? handle : handle.substring(0, slash);
    PendingQuery q = pending.getIfPresent(id);
    if (q == null || (slash < 0) != (q.reads().count() == 1)) {
      throw new HandleNotFoundException("ticket", handle);
    }
    if (slash >= 0) {
      int index = EndpointReads.parseIndex(handle.substring(slash + 1));
      if (!q.reads().isUnread(index)) {
        throw new HandleNotFoundException("ticket", handle);
      }
    }
    if (!pending.asMap().replace(id, q, q)) {
      throw new HandleNotFoundException("ticket", handle);
    }
  }

  /** @throws HandleNotFoundException when the ticket is unknown, already read or expired */
  public PendingQuery peek(String id) {
    PendingQuery q = pending.getIfPresent(id);
    if (q == null) {
      throw new HandleNotFoundException("ticket", id);
    }
    return q;
  }

  /**
   * Removes ticket {@code id} without ending its statement (its result went elsewhere: stored on
   * the executors for direct fetch).
   */
  public void remove(String id) {
    pending.asMap().remove(id);
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
