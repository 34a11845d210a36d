package io.libra.operation;

import io.libra.session.ClientSession;

/**
 * Who runs a statement and where: the client session (user, SparkSession, allocator), the FAIR
 * pool chosen for this call ({@code PoolAssigner}) and the call's cancellation signal (the
 * statement is cancelled if its caller goes away while it runs).
 */
public record StatementContext(ClientSession session, String pool, CallCancellation call) {

  public StatementContext(ClientSession session, String pool) {
    this(session, pool, CallCancellation.NONE);
  }
}
