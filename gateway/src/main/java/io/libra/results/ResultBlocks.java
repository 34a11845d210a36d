package io.libra.results;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.ByteBufferBlockData;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.storage.TestBlockId;
import org.apache.spark.util.io.ChunkedByteBuffer;
import scala.Option;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * A result partition's Arrow payloads kept in Spark's BlockManager instead of being sent to the
 * driver whole: the task groups payloads into blocks of about {@code blockBytes}, stores each
 * ({@link #storageLevel}) and returns only their references; the driver fetches one block at a time
 * ({@code BlockManager.getLocalBytes}/{@code getRemoteBytes}, as Spark's own large task results
 * are fetched) and removes it once read. A partition of any size thus passes through the driver in
 * blocks of bounded size. A partition that ends before its first block fills
 * ({@link #FIRST_BLOCK_BYTES}, 1 MiB) is returned inline in the task result instead, as Spark
 * returns any task result of up to {@code spark.task.maxDirectResultSize}: small results skip the
 * store, the lookups, the file write, the read and the removal.
 *
 * <p>Block ids are {@code TestBlockId("libra_<stream>_<partition>_<attempt>_<n>")} (Spark's
 * developer-API id for blocks outside RDDs, broadcasts and shuffles). A failed or killed task
 * removes the blocks it stored; the driver removes what it did not read when the stream closes.
 * Before storing a block the task waits for room in its {@link SpillBudget} (disk is bounded as
 * well as the driver's memory).
 */
final class ResultBlocks {
  /**
   * Removes blocks off the threads that let go of them (Spark's scheduler thread, a killed task's
   * interrupted thread, a reader): each removal asks the BlockManagerMaster and waits, so it runs
   * here, not on the common ForkJoinPool (one thread on two cores, shared with any blocking
   * caller). Two daemon threads, idle ones ending after 30 s.
   */
  static final java.util.concurrent.ThreadPoolExecutor REMOVER;

  static {
    REMOVER = new java.util.concurrent.ThreadPoolExecutor(2, 2, 30,
        java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "libra-result-block-remover");
          t.setDaemon(true);
          return t;
        });
    REMOVER.allowCoreThreadTimeOut(true);
  }

  private ResultBlocks() {}

  /**
   * Where result blocks live: {@code DISK_ONLY} when executors run inside the gateway JVM
   * ({@code local} masters: storage memory there would be the gateway's own heap), otherwise
   * {@code MEMORY_AND_DISK_SER} (the executors' storage memory, spilling to their disks).
   */
  static StorageLevel storageLevel(String master) {
    return master.startsWith("local") ? StorageLevel.DISK_ONLY()
        : StorageLevel.MEMORY_AND_DISK_SER();
  }

  /**
   * One block: its id name, size in bytes and number of payloads; or, for a partition that ended
   * before its first block filled ({@link #FIRST_BLOCK_BYTES}), the block's bytes themselves
   * ({@code inline}, with a null name), returned in the task result and never stored.
   */
  record BlockRef(String name, long bytes, int payloads, byte[] inline) implements Serializable {
    BlockRef(String name, long bytes, int payloads) {
      this(name, bytes, payloads, null);
    }
  }

  /** Smallest block: the first block of a partition is stored early, so streaming starts soon. */
  static final long FIRST_BLOCK_BYTES = 1L << 20;

  /** The id name of block {@code n} that attempt {@code attempt} of a partition's task stores. */
  static String blockName(String streamId, int partition, int attempt, int n) {
    return "libra_" + streamId + "_" + partition + "_" + attempt + "_" + n;
  }

  /**
   * Driver side, while the partition's task still runs: block {@code n} of its first attempt if
   * the task has stored it (the task reports each block to the BlockManagerMaster, which lives in
   * the driver), else null.
   */
  static BlockRef stored(String streamId, int partition, int n) {
    TestBlockId id = new TestBlockId(blockName(streamId, partition, 0, n));
    return SparkEnv.get().blockManager().master().contains(id)
        ? new BlockRef(id.name(), -1, -1) : null;
  }

  /** Whether every ref was stored by the first attempt of its task (an inline one was not). */
  static boolean firstAttempt(String streamId, int partition, BlockRef[] refs) {
    String prefix = new TestBlockId(blockName(streamId, partition, 0, 0)).name();
    prefix = prefix.substring(0, prefix.length() - 1);
    for (BlockRef r : refs) {
      if (r != null && (r.inline() != null || !r.name().startsWith(prefix))) {
        return false;
      }
    }
    return true;
  }

  /** Runs in the Spark task: stores the partition's payloads as blocks, returns their refs. */
  static final class Store extends AbstractFunction1<Iterator<byte[]>, BlockRef[]>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String streamId;
    private final long blockBytes;
    private final StorageLevel level;
    private final SpillBudget budget;
    private final boolean inlineSmall;
    private final boolean publish;

    Store(String streamId, long blockBytes, StorageLevel level, SpillBudget budget) {
      this(streamId, blockBytes, level, budget, false);
    }

    /**
     * @param direct for executor-direct fetch: every partition stored as blocks (none returned
     *     in the task result, however small), each block reported to the driver as soon as it
     *     is stored ({@link ExecutorResultServer#published}) so that its endpoint streams it
     */
    Store(String streamId, long blockBytes, StorageLevel level, SpillBudget budget,
        boolean direct) {
      this.streamId = streamId;
      this.blockBytes = blockBytes;
      this.level = level;
      this.budget = budget;
      this.inlineSmall = !direct;
      this.publish = direct;
    }

    @Override
    public BlockRef[] apply(Iterator<byte[]> it) {
      TaskContext tc = TaskContext.get();
      BlockManager bm = SparkEnv.get().blockManager();
      List<BlockRef> refs = new ArrayList<>();
      tc.addTaskFailureListener((org.apache.spark.util.TaskFailureListener)
          (ctx, error) -> removeStored(bm, refs));
      // The block being filled: each payload's 4-byte length and the payload itself, as
      // chunks of one ChunkedByteBuffer (no copy into a block-sized array).
      List<ByteBuffer> chunks = new ArrayList<>();
      long size = 0;
      while (it.hasNext()) {
        byte[] b = it.next();
        chunks.add(ByteBuffer.allocate(4).putInt(0, b.length));
        chunks.add(ByteBuffer.wrap(b));
        size += 4 + b.length;
        // Blocks grow from FIRST_BLOCK_BYTES to blockBytes: the first is ready early.
        long target = Math.min(blockBytes, FIRST_BLOCK_BYTES << Math.min(refs.size(), 20));
        if (size >= target) {
          put(bm, tc, refs, chunks, size);
          chunks.clear();
          size = 0;
        }
      }
      if (!chunks.isEmpty() && refs.isEmpty() && inlineSmall) {
        // A small partition (SELECT 1, an aggregate): back in the task result, no block.
        ByteBuffer inline = ByteBuffer.allocate((int) size);
        for (ByteBuffer c : chunks) {
          inline.put(c.duplicate());
        }
        refs.add(new BlockRef(null, size, chunks.size() / 2, inline.array()));
      } else if (!chunks.isEmpty()) {
        put(bm, tc, refs, chunks, size);
      }
      return refs.toArray(new BlockRef[0]);
    }

    /**
     * A failed or killed task's blocks, removed off the task's thread: a killed task's thread is
     * interrupted (once or more, while it ends), and removing a block asks the BlockManagerMaster
     * ({@code askSync}), which an interrupt aborts. Each failure is logged and passed over.
     */
    private static void removeStored(BlockManager bm, List<BlockRef> refs) {
      List<BlockRef> stored = List.copyOf(refs);
      REMOVER.execute(() -> {
        for (BlockRef r : stored) {
          try {
            bm.removeBlock(BlockId.apply(r.name()), true);
          } catch (Throwable e) { // Scala code may throw checked exceptions undeclared
            org.slf4j.LoggerFactory.getLogger(ResultBlocks.class)
                .warn("could not remove result block {}: {}", r.name(), e.toString());
          }
        }
      });
    }

    /**
     * Stores the buffer as block {@code n} (listed in {@code refs} first), once the spill budget
     * has room for it.
     */
    private BlockRef put(BlockManager bm, TaskContext tc, List<BlockRef> refs,
        List<ByteBuffer> chunks, long size) {
      int n = refs.size();
      TestBlockId id = new TestBlockId(blockName(streamId, tc.partitionId(), tc.attemptNumber(),
          n));
      budget.awaitRoom(tc, bm, refs, size);
      BlockRef ref = new BlockRef(id.name(), size, chunks.size() / 2);
      // Listed before it is stored: a task killed while putBytes reports the block to the master
      // (an interrupt aborts that ask after the block is stored) must still remove it.
      refs.add(ref);
      if (!bm.putBytes(id, new ChunkedByteBuffer(chunks.toArray(new ByteBuffer[0])),
          level, true, ClassTag$.MODULE$.apply(byte[].class))) {
        throw new IllegalStateException("the executor could not store result block " + id);
      }
      SpillBudget.stored(id, size);
      if (publish) {
        ExecutorResultServer.published(streamId, tc.partitionId(), tc.attemptNumber(), ref);
      }
      return ref;
    }
  }

  /** Driver side: reads a block's payloads and removes the block. */
  static List<byte[]> fetch(BlockRef ref) throws IOException {
    if (ref.inline() != null) {
      return split(ByteBuffer.wrap(ref.inline()), ref.payloads());
    }
    BlockManager bm = SparkEnv.get().blockManager();
    BlockId id = BlockId.apply(ref.name());
    Option<BlockData> local = bm.getLocalBytes(id);
    if (local.isDefined()) {
      try {
        return payloads(local.get(), ref.payloads());
      } finally {
        local.get().dispose();
        bm.releaseLock(id, Option.empty());
        bm.master().removeBlock(id);
      }
    }
    Option<ChunkedByteBuffer> remote = bm.getRemoteBytes(id);
    try {
      if (remote.isEmpty()) {
        throw new IOException("result block " + id + " is gone (its executor was lost?)");
      }
      return payloads(remote.get(), ref.payloads());
    } finally {
      remote.foreach(b -> { b.dispose(); return null; });
      bm.master().removeBlock(id);
    }
  }

  /**
   * The payloads of a block read from this executor's BlockManager: from memory, the stored
   * chunks themselves (see {@link #payloads(ChunkedByteBuffer, int)}); from disk, read from the
   * file into arrays of each payload's size (no mapping of the file, no block-sized copy).
   */
  static List<byte[]> payloads(BlockData data, int payloads) throws IOException {
    if (data instanceof ByteBufferBlockData memory) {
      return payloads(memory.buffer(), payloads);
    }
    try (DataInputStream in = new DataInputStream(data.toInputStream())) {
      return read(in, data.size(), payloads);
    }
  }

  /**
   * A block's payloads from its chunks. A block stored by {@link Store} in memory is the chunks
   * the task made — each payload's length, then the payload's own array — so each payload is
   * handed on as that array, with no copy; any other layout (a block fetched from another
   * executor, read into chunks of its own sizes) is read as a stream.
   */
  static List<byte[]> payloads(ChunkedByteBuffer block, int payloads) throws IOException {
    ByteBuffer[] chunks = block.getChunks();
    List<byte[]> out = new ArrayList<>(Math.max(payloads, 1));
    boolean asStored = chunks.length % 2 == 0;
    for (int i = 0; asStored && i < chunks.length; i += 2) {
      ByteBuffer length = chunks[i];
      ByteBuffer payload = chunks[i + 1];
      asStored = length.remaining() == 4 && payload.hasArray() && payload.arrayOffset() == 0
          && payload.position() == 0 && payload.remaining() == payload.array().length
          && length.getInt(length.position()) == payload.remaining();
      if (asStored) {
        out.add(payload.array());
      }
    }
    if (asStored) {
      return checked(out, payloads);
    }
    try (DataInputStream in = new DataInputStream(block.toInputStream(false))) {
      return read(in, block.size(), payloads);
    }
  }

  private static List<byte[]> read(DataInputStream in, long size, int payloads)
      throws IOException {
    List<byte[]> out = new ArrayList<>(Math.max(payloads, 1));
    byte[] length = new byte[4];
    long read = 0;
    while (read < size) {
      in.readFully(length);
      byte[] b = new byte[ByteBuffer.wrap(length).getInt()];
      in.readFully(b);
      out.add(b);
      read += 4 + b.length;
    }
    return checked(out, payloads);
  }

  private static List<byte[]> checked(List<byte[]> out, int payloads) throws IOException {
    if (payloads >= 0 && out.size() != payloads) {
      throw new IOException("result block holds " + out.size() + " payloads, expected "
          + payloads);
    }
    return out;
  }

  /** Runs the later sweeps of {@link #sweepAfterTasks} (one daemon thread, handing off). */
  private static final java.util.concurrent.ScheduledExecutorService LATER =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "libra-result-block-sweep");
        t.setDaemon(true);
        return t;
      });

  /** Seconds after the first sweep at which {@link #sweepAfterTasks} looks again. */
  private static final long[] SWEEP_AGAIN_SECONDS = {1, 4, 15, 60};

  /**
   * Removes every block of stream {@code streamId} still stored once the tasks of its jobs have
   * ended (bounded by 60 s), and again 1, 4, 15 and 60 s later: a task that finished after its
   * job failed or was cancelled stored its blocks, but Spark drops its result, so no reader
   * learns of them; and "ended" comes from the status tracker, which follows Spark's listener
   * bus and so lags behind the tasks on a busy machine (a task it has not seen start looks
   * ended). Runs on {@link #REMOVER}.
   */
  static void sweepAfterTasks(SparkContext sc, List<Integer> jobIds, String streamId) {
    REMOVER.execute(() -> {
      long deadline = System.nanoTime() + 60_000_000_000L;
      org.apache.spark.SparkStatusTracker tracker = sc.statusTracker();
      try {
        for (int job : jobIds) {
          while (System.nanoTime() < deadline && hasActiveTasks(tracker, job)) {
            Thread.sleep(50);
          }
        }
        sweep(sc, streamId);
        for (long s : SWEEP_AGAIN_SECONDS) {
          LATER.schedule(() -> REMOVER.execute(() -> sweep(sc, streamId)), s,
              java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** Runs {@code action} on {@link #REMOVER} after {@code delayMillis}. */
  static void later(long delayMillis, Runnable action) {
    LATER.schedule(() -> REMOVER.execute(action), delayMillis,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Removes the blocks of stream {@code streamId} the BlockManagerMaster knows of now. */
  static void sweep(SparkContext sc, String streamId) {
    try {
      if (sc.isStopped()) {
        return;
      }
      String prefix = "test_" + blockName(streamId, 0, 0, 0).replaceAll("0_0_0$", "");
      scala.collection.immutable.Seq<BlockId> left = sc.env().blockManager().master()
          .getMatchingBlockIds(new scala.runtime.AbstractFunction1<BlockId, Object>() {
            @Override
            public Object apply(BlockId id) {
              return id.name().startsWith(prefix);
            }
          }, false);
      scala.jdk.javaapi.CollectionConverters.asJava(left)
          .forEach(id -> sc.env().blockManager().master().removeBlock(id));
    } catch (Throwable e) { // Scala code may throw checked exceptions undeclared
      org.slf4j.LoggerFactory.getLogger(ResultBlocks.class)
          .warn("could not sweep the result blocks of stream {}: {}", streamId, e.toString());
    }
  }

  private static boolean hasActiveTasks(org.apache.spark.SparkStatusTracker tracker, int job) {
    Option<org.apache.spark.SparkJobInfo> info = tracker.getJobInfo(job);
    if (info.isEmpty()) {
      return false;
    }
    for (int stage : info.get().stageIds()) {
      Option<org.apache.spark.SparkStageInfo> st = tracker.getStageInfo(stage);
      if (st.isDefined() && st.get().numActiveTasks() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Removes a block without reading it (a stream that ended early). */
  static void remove(BlockRef ref) {
    if (ref.inline() != null) {
      return;
    }
    SparkEnv.get().blockManager().master().removeBlock(BlockId.apply(ref.name()));
  }

  /** The block's payloads: each an int length and its bytes, to the end of the block. */
  static List<byte[]> split(ByteBuffer buffer, int payloads) throws IOException {
    List<byte[]> out = new ArrayList<>(Math.max(payloads, 1));
    while (buffer.hasRemaining()) {
      byte[] b = new byte[buffer.getInt()];
      buffer.get(b);
      out.add(b);
    }
    if (payloads >= 0 && out.size() != payloads) {
      throw new IOException("result block holds " + out.size() + " payloads, expected "
          + payloads);
    }
    return out;
  }
}
