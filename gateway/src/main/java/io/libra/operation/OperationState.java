package io.libra.operation;

import java.util.EnumSet;
import java.util.Set;

/**
 * Life cycle of one statement. Legal moves: PENDING → RUNNING | CANCELLED | CLOSED;
 * RUNNING → FINISHED | FAILED | CANCELLED; FINISHED | FAILED | CANCELLED → CLOSED.
 */
public enum OperationState {
  PENDING, RUNNING, FINISHED, FAILED, CANCELLED, CLOSED;

  /** Whether this state may move to {@code next}. */
  public boolean canMoveTo(OperationState next) {
    return allowedNext().contains(next);
  }

  private Set<OperationState> allowedNext() {
    return switch (this) {
      case PENDING -> EnumSet.of(RUNNING, CANCELLED, CLOSED);
      case RUNNING -> EnumSet.of(FINISHED, FAILED, CANCELLED);
      case FINISHED, FAILED, CANCELLED -> EnumSet.of(CLOSED);
      case CLOSED -> EnumSet.noneOf(OperationState.class);
    };
  }
}
