package io.libra.jdbc;

import io.grpc.Context;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * One execution of a statement, cancellable from another thread: its Flight calls run in a gRPC
 * {@link Context.CancellableContext}, and once the FlightInfo is known {@link #cancel()} also
 * sends Flight's {@code CancelFlightInfo}, so the gateway stops the statement and its Spark jobs.
 * The query timeout is enforced by the gateway (call header {@code statement_timeout}, counted from
 * the statement's creation there, until its result is read); as a safety net the execution is
 * cancelled on the client (gRPC context and {@code CancelFlightInfo}) {@code timeout + 1} s after
 * it started, when the gateway has not answered by then. A timed-out execution is an
 * {@link SQLTimeoutException} (HYT00) whichever side noticed first; a cancelled one an
 * SQLException with SQLSTATE HY008.
 */
final class Execution {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "libra-jdbc-timeouts");
        t.setDaemon(true);
        return t;
      });

  private final LibraConnection connection;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final AtomicReference<FlightInfo> info = new AtomicReference<>();
  private final ScheduledFuture<?> safetyNet;
  private volatile boolean cancelled;
  private volatile boolean timedOut;
  private final int timeoutSeconds;

  Execution(LibraConnection connection, int timeoutSeconds) {
    this.connection = connection;
    this.timeoutSeconds = timeoutSeconds;
    this.safetyNet = timeoutSeconds <= 0 ? null : TIMER.schedule(() -> {
      timedOut = true;
      cancelOnServer();
      context.cancel(null);
    }, timeoutSeconds + 1L, TimeUnit.SECONDS);
  }

  /** Runs a Flight call of this execution; failures become SQLExceptions. */
  <T> T call(Callable<T> body) throws SQLException {
    if (cancelled) {
      throw cancelledError(null);
    }
    try {
      return context.call(body);
    } catch (Exception e) {
      throw translate(e);
    }
  }

  /** The execution's FlightInfo, which {@link #cancel()} then cancels on the server. */
  void started(FlightInfo flightInfo) {
    info.set(flightInfo);
    if (cancelled) {
      cancelOnServer();
    }
  }

  /** The SQLException for a failure of this execution. */
  SQLException translate(Throwable e) {
    if (e instanceof SQLException s) {
      return s;
    }
    if (e instanceof FlightRuntimeException f && f.status().code() == FlightStatusCode.TIMED_OUT) {
      return SqlErrors.from(f); // the gateway's own timeout (an SQLTimeoutException): its words
    }
    if (timedOut) {
      return new SQLTimeoutException("the statement ran past its query timeout of "
          + timeoutSeconds + " s (the gateway did not answer in time; it was cancelled)",
          "HYT00", e);
    }
    if (e instanceof FlightRuntimeException f && f.status().code() == FlightStatusCode.CANCELLED
        && cancelled) {
      SQLException s = SqlErrors.from(f);
      return "HY008".equals(s.getSQLState()) ? s : cancelledError(f);
    }
    return SqlErrors.from(e);
  }

  private static SQLException cancelledError(Throwable cause) {
    return new SQLException("the statement was cancelled (Statement.cancel)", "HY008", cause);
  }

  /** Cancels the execution: its running call and, when known, its statement on the server. */
  void cancel() {
    cancelled = true;
    cancelOnServer();
    context.cancel(null);
  }

  boolean cancelled() {
    return cancelled;
  }

  private void cancelOnServer() {
    FlightInfo i = info.get();
    if (i == null) {
      return;
    }
    try {
      connection.sql().cancelFlightInfo(new CancelFlightInfoRequest(i),
          connection.controlOptions());
    } catch (RuntimeException e) {
      // already finished, or the gateway is gone: nothing runs there then
    }
  }

  /** Ends the execution's timer (its result is read, or it failed). */
  void done() {
    if (safetyNet != null) {
      safetyNet.cancel(false);
    }
  }
}
