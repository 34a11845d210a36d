package io.libra.operation;

import io.libra.session.ClientSession;

/**
 * Who runs a statement and where: the client session (user, SparkSession, allocator, its
 * statements), the FAIR pool chosen for this call ({@code PoolAssigner}), the call's cancellation
 * signal (the statement is cancelled if its caller goes away while a step runs) and the
 * statement timeout the call asked for (call header {@code statement_timeout}, seconds; null when
 * the call did not say).
 */
public record StatementContext(ClientSession session, String pool, CallCancellation call,
    Integer callTimeoutSeconds) {

  public StatementContext(ClientSession session, String pool) {
    this(session, pool, CallCancellation.NONE, null);
  }

  /** The same statement context with another call's cancellation (a later call of it). */
  public StatementContext withCall(CallCancellation other) {
    return new StatementContext(session, pool, other, callTimeoutSeconds);
  }
}
