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
    assertTrue(OperationState.RUNNING.canMoveTo(OperationState.COMPLETING));
    assertTrue(OperationState.COMPLETING.canMoveTo(OperationState.FINISHED));
    assertFalse(OperationState.RUNNING.canMoveTo(OperationState.FINISHED));
    assertFalse(OperationState.COMPLETING.canMoveTo(OperationState.CANCELLED));
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
    try (io.libra.engine.JobTagGuard guard = io.libra.engine.JobTagGuard.install(sc)) {
      Operation op = new Operation("op1", "alice", "session1", "SELECT 1", guard);
      assertEquals("libra-user-alice-session-" + io.libra.util.PublicIds.of("session1") + "-op-"
          + io.libra.util.PublicIds.of("op1"), op.jobTag());
      op.transition(OperationState.RUNNING);
      assertTrue(op.tryComplete());
      op.transition(OperationState.FINISHED);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> op.transition(OperationState.RUNNING));
      assertTrue(e.getMessage().contains("FINISHED -> RUNNING"), e.getMessage());
      assertFalse(op.cancel("too late"));
      assertEquals(OperationState.FINISHED, op.state());
      Operation pending = new Operation("op2", "alice", "session1", "SELECT 1", guard);
      assertTrue(pending.cancel("before it ran"));
      assertTrue(guard.isCancelled(pending.jobTag()), "later jobs of its tag are cancelled too");
      java.util.concurrent.CancellationException c = assertThrows(
          java.util.concurrent.CancellationException.class, pending::checkNotCancelled);
      assertTrue(c.getMessage().contains("before it ran"), c.getMessage());
    }
  }

  @Test
  void completingAndCancellingExcludeEachOther() throws Exception {
    var sc = io.libra.it.TestGateway.get().spark.sparkContext();
    try (io.libra.engine.JobTagGuard guard = io.libra.engine.JobTagGuard.install(sc)) {
      Operation completed = new Operation("op3", "alice", "s", "SELECT 1", guard);
      completed.transition(OperationState.RUNNING);
      assertTrue(completed.tryComplete());
      assertFalse(completed.cancel("after the last batch"), "a cancel after COMPLETING loses");
      assertEquals(OperationState.COMPLETING, completed.state());
      Operation cancelled = new Operation("op4", "alice", "s", "SELECT 1", guard);
      cancelled.transition(OperationState.RUNNING);
      assertTrue(cancelled.cancel("first"));
      assertFalse(cancelled.tryComplete(), "a completion after a cancel loses");
      // Many threads racing: exactly one side wins each time.
      for (int i = 0; i < 200; i++) {
        Operation op = new Operation("race" + i, "alice", "s", "SELECT 1", guard);
        op.transition(OperationState.RUNNING);
        java.util.concurrent.CompletableFuture<Boolean> cancel =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> op.cancel("race"));
        boolean completedFirst = op.tryComplete();
        assertTrue(completedFirst ^ cancel.get(), "exactly one of complete and cancel wins");
      }
    }
  }
}
