package io.libra.flight;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightStream;

/**
 * Bounds how long a DoPut call may hold a server thread before its first message.
 *
 * <p>Arrow's Flight server starts {@code FlightProducer.acceptPut} on an executor thread as soon as
 * the call opens, and Flight SQL's {@code acceptPut} blocks in {@link FlightStream#getDescriptor()}
 * until the client's first message (which carries the command). A client that opens DoPut and sends
 * nothing would hold that thread until it disconnects; a few such clients would take every thread
 * of {@code libra.server.executor-threads}. The wait is interrupted after
 * {@code libra.server.put-first-message-timeout-seconds} and the call ends with TIMED_OUT.
 */
final class FirstMessageWatchdog {
  /** One daemon thread for every server's alarms: they only interrupt a waiting thread. */
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "libra-put-watchdog");
        t.setDaemon(true);
        return t;
      });
  private final Duration timeout;

  FirstMessageWatchdog(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Waits for the stream's first message on the calling thread.
   *
   * @throws org.apache.arrow.flight.FlightRuntimeException TIMED_OUT when none came in time; the
   *     stream's own failure (for example CANCELLED when the client went away) otherwise
   */
  void awaitFirstMessage(FlightStream stream) {
    Wait wait = new Wait(Thread.currentThread());
    ScheduledFuture<?> alarm = TIMER.schedule(wait::expire, timeout.toMillis(),
        TimeUnit.MILLISECONDS);
    RuntimeException failure = null;
    try {
      stream.getDescriptor();
    } catch (RuntimeException e) {
      failure = e;
    }
    alarm.cancel(false);
    if (wait.finish()) {
      Thread.interrupted(); // the alarm's interrupt, not the server's
      if (failure != null) {
        throw CallStatus.TIMED_OUT.withDescription("no DoPut message within "
            + timeout.toSeconds() + " s (libra.server.put-first-message-timeout-seconds)")
            .toRuntimeException();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** One wait: the alarm interrupts the waiting thread only while it still waits. */
  private static final class Wait {
    private final Thread waiter;
    private boolean finished;
    private boolean expired;

    Wait(Thread waiter) {
      this.waiter = waiter;
    }

    synchronized void expire() {
      if (!finished) {
        expired = true;
        waiter.interrupt();
      }
    }

    /** Ends the wait; whether the alarm interrupted it. */
    synchronized boolean finish() {
      finished = true;
      return expired;
    }
  }
}
