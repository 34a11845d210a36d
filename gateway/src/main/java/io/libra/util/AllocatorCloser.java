package io.libra.util;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an Arrow {@link BufferAllocator} once everything allocated from it has been released.
 *
 * <p>Why: a session's allocator is the parent of its streams' allocators, and a session can be
 * closed (CloseSession, idle expiry) while one of its streams still drains on another thread;
 * {@link BufferAllocator#close()} throws ("Memory was leaked") while buffers or child allocators
 * are outstanding. So the close is deferred: checked every {@value #POLL_MILLIS} ms on one shared
 * daemon thread, forced after {@code maxWaitMillis} (the forced close logs the leak).
 */
public final class AllocatorCloser {
  private static final Logger LOG = LoggerFactory.getLogger(AllocatorCloser.class);
  private static final long POLL_MILLIS = 20;
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "libra-allocator-close");
        t.setDaemon(true);
        return t;
      });

  private AllocatorCloser() {}

  /**
   * Closes {@code allocator} now if it holds no memory and has no child allocator, otherwise as
   * soon as that is true, or after {@code maxWaitMillis} milliseconds whatever it holds.
   */
  public static void closeWhenFree(BufferAllocator allocator, long maxWaitMillis) {
    if (isFree(allocator)) {
      allocator.close();
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    TIMER.schedule(() -> retry(allocator, deadline), POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static void retry(BufferAllocator allocator, long deadline) {
    if (!isFree(allocator) && System.nanoTime() < deadline) {
      TIMER.schedule(() -> retry(allocator, deadline), POLL_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    try {
      allocator.close();
    } catch (RuntimeException e) {
      LOG.error("allocator {} still held memory when closed", allocator.getName(), e);
    }
  }

  private static boolean isFree(BufferAllocator allocator) {
    return allocator.getChildAllocators().isEmpty() && allocator.getAllocatedMemory() == 0;
  }
}
