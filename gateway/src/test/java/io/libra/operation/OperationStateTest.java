package io.libra.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OperationStateTest {
  @Test
  void legalAndIllegalTransitions() {
    assertTrue(OperationState.PENDING.canMoveTo(OperationState.RUNNING));
    assertTrue(OperationState.PENDING.canMoveTo(OperationState.CANCELLED));
    assertTrue(OperationState.RUNNING.canMoveTo(OperationState.FINISHED));
    assertTrue(OperationState.RUNNING.canMoveTo(OperationState.FAILED));
    assertTrue(OperationState.RUNNING.canMoveTo(OperationState.CANCELLED));
    assertTrue(OperationState.FINISHED.canMoveTo(OperationState.CLOSED));
    // FINISHED may only go to CLOSED; nothing leaves CLOSED; no way back to PENDING.
    assertFalse(OperationState.FINISHED.canMoveTo(OperationState.CANCELLED));
    assertFalse(OperationState.FINISHED.canMoveTo(OperationState.RUNNING));
    assertFalse(OperationState.CANCELLED.canMoveTo(OperationState.FINISHED));
    assertFalse(OperationState.PENDING.canMoveTo(OperationState.FINISHED));
    for (OperationState s : OperationState.values()) {
      assertFalse(OperationState.CLOSED.canMoveTo(s));
      assertFalse(s.canMoveTo(OperationState.PENDING));
    }
  }

  @Test
  void operationRejectsIllegalMovesAndCancelsOnlyWhileLive() throws Exception {
    var sc = io.libra.it.TestGateway.get().spark.sparkContext();
    Operation op = new Operation("op1", "alice", "session1", "SELECT 1", sc);
    assertEquals("libra-user-alice-session-session1-op-op1", op.jobTag());
    op.transition(OperationState.RUNNING);
    op.transition(OperationState.FINISHED);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> op.transition(OperationState.RUNNING));
    assertTrue(e.getMessage().contains("FINISHED -> RUNNING"), e.getMessage());
    assertFalse(op.cancel("too late"));
    assertEquals(OperationState.FINISHED, op.state());
    Operation pending = new Operation("op2", "alice", "session1", "SELECT 1", sc);
    assertTrue(pending.cancel("before it ran"));
    assertThrows(java.util.concurrent.CancellationException.class, pending::checkNotCancelled);
  }
}
