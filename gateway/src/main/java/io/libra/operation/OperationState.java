package io.libra.operation;

import java.util.EnumSet;
import java.util.Set;

/**
 * Life cycle of one client statement, from {@code CreatePreparedStatement}/{@code GetFlightInfo}
 * to its last batch or update count. Legal moves: PENDING → RUNNING | CANCELLED | CLOSED;
 * RUNNING → COMPLETING | FAILED | CANCELLED; COMPLETING → FINISHED | FAILED;
 * FINISHED | FAILED | CANCELLED → CLOSED.
 *
 * <p>COMPLETING is taken by the same compare-and-set that a cancel uses (RUNNING → CANCELLED): of
 * "the client gets its whole result" and "cancelled", exactly one wins. Once COMPLETING, a cancel
 * answers "not cancellable" and the client never sees an error after its result.
 */
public enum OperationState {
  PENDING, RUNNING, COMPLETING, FINISHED, FAILED, CANCELLED, CLOSED;

  /** Whether this state may move to {@code next}. */
  public boolean canMoveTo(OperationState next) {
    return allowedNext().contains(next);
  }

  private Set<OperationState> allowedNext() {
    return switch (this) {
      case PENDING -> EnumSet.of(RUNNING, CANCELLED, CLOSED);
      case RUNNING -> EnumSet.of(COMPLETING, FAILED, CANCELLED);
      case COMPLETING -> EnumSet.of(FINISHED, FAILED);
      case FINISHED, FAILED, CANCELLED -> EnumSet.of(CLOSED);
      case CLOSED -> EnumSet.noneOf(OperationState.class);
    };
  }
}
