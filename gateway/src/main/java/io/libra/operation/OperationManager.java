package io.libra.operation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bounded statement executor that runs every step of every statement — never a gRPC thread —
 * and the timer that times statements out. (Statements are registered in their session.) Each body runs on a pool thread renamed after its operation ({@code libra-op-<id>}) with
 * Spark local properties applied by the caller's body and removed afterwards.
 *
 * <p>Admission: at most {@code maxConcurrent} statements run a body at once and at most
 * {@code maxConcurrentPerUser} per user (the bodies of one statement that run at once — its
 * result's endpoints read in parallel — share its one admission); over a limit {@link #run} throws {@link AdmissionException}
 * at once (nothing waits in a queue). One more slot is kept for admins ({@link #reserveSlotFor}).
 */
public final class OperationManager implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final Semaphore slots;
  private final OperationLimits limits;
  private final Map<String, Semaphore> runningPerUser = new ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService timers =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "libra-statement-timeouts");
        t.setDaemon(true);
        return t;
      });

  private volatile java.util.function.Consumer<String> onRejected = limit -> { };
  /** One slot beyond {@code maxConcurrent} that only admins' statements may take. */
  private final Semaphore adminReserve = new Semaphore(1);
  private volatile java.util.function.Predicate<String> isAdmin = user -> false;

  /**
   * From now on, a statement of a user this says is an admin may take one reserved slot when
   * every other is taken, so an admin can still end sessions and statements
   * ({@code CALL libra.close_session}) on a saturated gateway.
   */
  public void reserveSlotFor(java.util.function.Predicate<String> admins) {
    this.isAdmin = admins;
  }

  public OperationManager(OperationLimits limits) {
    this.limits = limits;
    // Admission is the semaphore (released when a body ends, before its caller is answered). The
    // threads are not bounded here: admitted statements are (the slots), and each runs at most
    // one body per endpoint of its result (libra.results.max-endpoints).
    this.slots = new Semaphore(limits.maxConcurrent());
    this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60,
        TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "libra-op-idle");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** Runs {@code task} once after {@code millis} milliseconds. */
  java.util.concurrent.ScheduledFuture<?> scheduleMillis(Runnable task, long millis) {
    return timers.schedule(task, millis, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} once after {@code seconds} (a statement's timeout). */
  java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long seconds) {
    return timers.schedule(task, seconds, TimeUnit.SECONDS);
  }

  /** A body run for an operation. */
  @FunctionalInterface
  public interface Body<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code body} for {@code op} on the statement executor and waits for it.
   *
   * @throws AdmissionException when a concurrency limit is reached
   * @throws Exception the body's failure (unwrapped)
   */
  public <T> T run(Operation op, Body<T> body) throws Exception {
    CompletableFuture<T> future = submit(op, body);
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw (Error) cause;
    } catch (InterruptedException e) {
      op.cancel("the calling thread was interrupted");
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /**
   * Admits {@code body} for {@code op} (at once, or {@link AdmissionException}) and starts it on
   * the statement executor without waiting: the future completes with its result or failure.
   * It holds its admission slots until it ends.
   *
   * @throws AdmissionException when a concurrency limit is reached
   */
  public <T> CompletableFuture<T> submit(Operation op, Body<T> body) throws InterruptedException {
    if (!op.joinAdmission()) {
      op.admitted(admit(op));
    }
    CompletableFuture<T> future = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        Thread me = Thread.currentThread();
        String oldName = me.getName();
        me.setName("libra-op-" + op.publicId());
        op.bindRunner(me);
        T result = null;
        Throwable failure = null;
        try {
          op.checkNotCancelled();
          result = body.run();
        } catch (Throwable t) {
          failure = t;
        } finally {
          op.unbindRunner(me);
          Thread.interrupted();
          me.setName(oldName);
          op.leaveAdmission();
        }
        if (failure != null) {
          future.completeExceptionally(failure);
        } else {
          future.complete(result);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      op.leaveAdmission();
      throw rejected("shutdown", "the gateway is shutting down; retry later");
    }
    return future;
  }

  /**
   * Takes {@code op}'s admission slots (its user's and the gateway's, or the admins' reserved
   * one) and returns what gives them back.
   *
   * @throws AdmissionException when a concurrency limit is reached
   */
  private Runnable admit(Operation op) throws InterruptedException {
    // The gateway's limit first: without authentication every client is one user whose limit
    // equals it, and the rejection must name the setting that was set.
    Semaphore slot = slots;
    if (!slots.tryAcquire(limits.admissionWaitMillis(), TimeUnit.MILLISECONDS)) {
      if (isAdmin.test(op.user()) && adminReserve.tryAcquire()) {
        slot = adminReserve;
      } else {
        throw rejected("libra.operations.max-concurrent", "the gateway already runs "
            + limits.maxConcurrent()
            + " statements (libra.operations.max-concurrent); retry later");
      }
    }
    Semaphore mine = runningPerUser.computeIfAbsent(op.user(),
        u -> new Semaphore(limits.maxConcurrentPerUser()));
    if (!mine.tryAcquire(limits.admissionWaitMillis(), TimeUnit.MILLISECONDS)) {
      slot.release();
      throw rejected("libra.operations.max-concurrent-per-user", "user '" + op.user()
          + "' already runs "
          + limits.maxConcurrentPerUser() + " statements (libra.operations.max-concurrent-per-user);"
          + " wait for one to finish or cancel one, then retry");
    }
    Semaphore taken = slot;
    return () -> {
      mine.release();
      taken.release();
    };
  }

  /** From now on, told the limit of every statement refused with RESOURCE_EXHAUSTED. */
  public void onRejected(java.util.function.Consumer<String> listener) {
    this.onRejected = listener;
  }

  private AdmissionException rejected(String limit, String message) {
    onRejected.accept(limit);
    return new AdmissionException(limit, message);
  }

  /** Operations currently admitted (running a body). */
  public int running() {
    return limits.maxConcurrent() - slots.availablePermits() + 1 - adminReserve.availablePermits();
  }

  @Override
  public void close() {
    timers.shutdownNow();
    executor.shutdownNow();
  }
}
