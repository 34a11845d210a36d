package io.libra.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which blocks each executor endpoint streams while the job runs: early reports, late and
 * duplicate reports, blocks of executors without an endpoint, retried tasks, read-once.
 */
class DirectStreamTest {
  private static ResultBlocks.BlockRef ref(int partition, int attempt, int n) {
    return new ResultBlocks.BlockRef(ResultBlocks.blockName("s", partition, attempt, n), 10, 1);
  }

  private static DirectStream.Poll poll(String endpoint, int from, boolean open) {
    return new DirectStream.Poll("s", endpoint, from, open);
  }

  private static List<String> names(DirectStream.Batch b) {
    List<String> out = new ArrayList<>();
    for (DirectStream.Block block : b.blocks()) {
      out.add(block.ref() == null ? "-" : block.ref().name());
    }
    return out;
  }

  @Test
  void blocksReachTheirExecutorsEndpointAsStoredAndTheQueueEndsWithTheJob() {
    DirectStream s = new DirectStream("s", List.of("1", "2"), e -> true);
    DirectStream.Batch first = s.poll(poll("1", 0, true));
    assertTrue(first.blocks().isEmpty());
    assertFalse(first.done());
    s.published(0, 0, "1", ref(0, 0, 0));
    s.published(1, 0, "2", ref(1, 0, 0));
    DirectStream.Batch b = s.poll(poll("1", first.next(), false));
    assertEquals(List.of(ResultBlocks.blockName("s", 0, 0, 0)), names(b));
    assertFalse(b.done());
    // The task's result lists its blocks again, and one whose report never came.
    s.partitionDone(0, 0, "1", new ResultBlocks.BlockRef[] {ref(0, 0, 0), ref(0, 0, 1)});
    s.partitionDone(1, 0, "2", new ResultBlocks.BlockRef[] {ref(1, 0, 0)});
    s.published(0, 0, "1", ref(0, 0, 1)); // late report: nothing changes
    s.ended(null);
    DirectStream.Batch last = s.poll(poll("1", b.next(), false));
    assertEquals(List.of(ResultBlocks.blockName("s", 0, 0, 1)), names(last));
    assertTrue(last.done());
    DirectStream.Batch two = s.poll(poll("2", 0, true));
    assertEquals(List.of(ResultBlocks.blockName("s", 1, 0, 0)), names(two));
    assertTrue(two.done());
    assertTrue(s.reading());
    s.closed("1");
    s.closed("2");
    assertFalse(s.reading());
    assertTrue(s.complete());
  }

  @Test
  void eachEndpointIsReadOnceAndUnknownEndpointsAreNotFound() {
    DirectStream s = new DirectStream("s", List.of("1", "2"), e -> true);
    assertNull(s.poll(poll("1", 0, true)).notFound());
    assertNotNull(s.poll(poll("1", 0, true)).notFound(), "second reader");
    assertNotNull(s.poll(poll("9", 0, true)).notFound(), "no such endpoint");
  }

  @Test
  void anExecutorWithoutEndpointHasItsBlocksReadRemotelyByTheShortestQueue() {
    DirectStream s = new DirectStream("s", List.of("1", "2"), e -> true);
    s.published(0, 0, "1", ref(0, 0, 0));
    s.published(1, 0, "3", ref(1, 0, 0)); // executor 3 joined after the FlightInfo
    DirectStream.Batch b = s.poll(poll("2", 0, true));
    assertEquals(List.of(ResultBlocks.blockName("s", 1, 0, 0)), names(b));
    assertEquals("3", b.blocks().get(0).executorId(), "read from where it is stored");
  }

  @Test
  void aRetriedTaskReplacesUnsentBlocksButFailsTheResultOnceSomeWereSent() {
    DirectStream quiet = new DirectStream("s", List.of("1", "2"), e -> true);
    quiet.published(0, 0, "1", ref(0, 0, 0));
    quiet.partitionDone(0, 1, "2", new ResultBlocks.BlockRef[] {ref(0, 1, 0)});
    quiet.ended(null);
    DirectStream.Batch b = quiet.poll(poll("1", 0, true));
    assertEquals(List.of("-", ResultBlocks.blockName("s", 0, 1, 0)), names(b),
        "attempt 0's block withdrawn, attempt 1's on the same endpoint");
    assertNull(b.failure());

    DirectStream sent = new DirectStream("s", List.of("1", "2"), e -> true);
    sent.published(0, 0, "1", ref(0, 0, 0));
    assertEquals(1, sent.poll(poll("1", 0, true)).blocks().size()); // handed out
    sent.partitionDone(0, 1, "2", new ResultBlocks.BlockRef[] {ref(0, 1, 0)});
    DirectStream.Batch failed = sent.poll(poll("2", 0, true));
    assertNotNull(failed.failure());
    assertEquals("ABORTED", failed.failure().code());

    // The endpoint that sent the first attempt's rows is gone (its executor was lost): it has
    // failed at its client anyway, and the other endpoint goes on.
    DirectStream lost = new DirectStream("s", List.of("1", "2"), e -> !e.equals("1"));
    lost.published(0, 0, "1", ref(0, 0, 0));
    lost.poll(poll("1", 0, true));
    lost.partitionDone(0, 1, "2", new ResultBlocks.BlockRef[] {ref(0, 1, 0)});
    lost.partitionDone(1, 0, "2", new ResultBlocks.BlockRef[] {ref(1, 0, 0)});
    lost.ended(null);
    DirectStream.Batch survivor = lost.poll(poll("2", 0, true));
    assertNull(survivor.failure());
    assertEquals(List.of(ResultBlocks.blockName("s", 1, 0, 0)), names(survivor));
    assertTrue(survivor.done());
  }

  @Test
  void aFailedJobEndsEveryEndpointWithItsStatus() {
    DirectStream s = new DirectStream("s", List.of("1"), e -> true);
    s.published(0, 0, "1", ref(0, 0, 0));
    s.ended(new DirectStream.Failure("CANCELLED", "statement cancelled", java.util.Map.of()));
    DirectStream.Batch b = s.poll(poll("1", 0, true));
    assertEquals("CANCELLED", b.failure().code());
    assertEquals(Set.of(), Set.copyOf(b.blocks()));
  }
}
