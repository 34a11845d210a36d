package io.libra.results;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;

/**
 * The disk bound of result blocks ({@link ResultBlocks}), kept by the Spark task that stores them:
 * before storing its next block a task waits while
 * <ul>
 *   <li>its own stored, unread blocks plus the next would pass {@code perTaskBytes} (the
 *       statement's {@code libra.results.max-spill-bytes} shared by the partitions it runs at once:
 *       a paused client holds at most that much, and the producing tasks wait — the partition
 *       being read never waits for another partition, so reading always goes on), or</li>
 *   <li>the result blocks of every statement stored in this JVM (an executor; the gateway itself
 *       with a {@code local} master) plus the next would pass {@code totalBytes}
 *       ({@code libra.results.max-spill-bytes-total}); after {@code waitMillis} of that the task
 *       fails with {@link SpillLimitException}, which the client gets as RESOURCE_EXHAUSTED.</li>
 * </ul>
 * A task whose own blocks are all read always stores one (so a block larger than the budget still
 * passes); several tasks deciding at once may pass the total by a block each. A waiting task
 * ends as soon as it is killed (a cancelled statement, a closed stream). "Unread" is what Spark's
 * {@link BlockManager} still holds: the driver removes a block once it has read it
 * ({@code BlockManagerMaster.removeBlock}), and a failed or killed task removes its own.
 *
 * @param perTaskBytes bytes of unread blocks one task may hold
 * @param totalBytes bytes of unread result blocks this JVM may hold
 * @param waitMillis longest wait for room under {@code totalBytes} before the task fails
 */
record SpillBudget(long perTaskBytes, long totalBytes, long waitMillis) implements Serializable {
  /** No bound (tests and benchmarks of the prefetcher alone). */
  static final SpillBudget NONE = new SpillBudget(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

  private static final long MAX_SLEEP_MILLIS = 20;

  /**
   * The budget of a statement that may run {@code partitionsAtOnce} partitions at once (the one
   * being read and the ones prefetched): each task gets an equal share of {@code statementBytes},
   * at least one block ({@link PartitionPrefetcher#BLOCK_BYTES}).
   */
  static SpillBudget forStatement(long statementBytes, long totalBytes, long waitMillis,
      int partitionsAtOnce) {
    return new SpillBudget(Math.max(PartitionPrefetcher.BLOCK_BYTES,
        statementBytes / Math.max(1, partitionsAtOnce)), totalBytes, waitMillis);
  }

  /** This JVM's stored result blocks and their sizes; removed ones are dropped on each look. */
  private static final Map<BlockId, Long> STORED = new ConcurrentHashMap<>();

  /**
   * Waits until the task may store a block of {@code bytes}.
   *
   * @param own the task's blocks stored so far
   * @throws TaskKilledException when the task is killed meanwhile
   * @throws SpillLimitException after {@code waitMillis} without room under the total
   */
  void awaitRoom(TaskContext task, BlockManager bm, List<ResultBlocks.BlockRef> own, long bytes) {
    long waitedForTotal = 0;
    long sleep = 1;
    while (true) {
      long mine = 0;
      for (ResultBlocks.BlockRef r : own) {
        if (bm.getStatus(BlockId.apply(r.name())).isDefined()) {
          mine += r.bytes();
        }
      }
      boolean taskRoom = mine == 0 || mine + bytes <= perTaskBytes;
      long total = taskRoom ? storedBytes(bm) : 0;
      if (taskRoom && (total == 0 || total + bytes <= totalBytes)) {
        return;
      }
      if (taskRoom) {
        waitedForTotal += sleep;
        if (waitedForTotal > waitMillis) {
          throw new SpillLimitException("result blocks stored on this executor reached"
              + " libra.results.max-spill-bytes-total (" + totalBytes + " bytes: " + total
              + " stored by statements whose clients have not read them) and no room came within "
              + waitMillis / 1000 + " s");
        }
      }
      if (task.isInterrupted()) {
        throw new TaskKilledException("cancelled while waiting for its client to read results");
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TaskKilledException("interrupted while waiting for its client to read results");
      }
      sleep = Math.min(MAX_SLEEP_MILLIS, sleep * 2);
    }
  }

  /** Notes a block this JVM's task stored. */
  static void stored(BlockId id, long bytes) {
    STORED.put(id, bytes);
  }

  /** Bytes of result blocks this JVM holds (dropping removed ones from the ledger). */
  static long storedBytes(BlockManager bm) {
    long total = 0;
    for (Map.Entry<BlockId, Long> e : STORED.entrySet()) {
      if (bm.getStatus(e.getKey()).isDefined()) {
        total += e.getValue();
      } else {
        STORED.remove(e.getKey(), e.getValue());
      }
    }
    return total;
  }
}
