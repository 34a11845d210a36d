package io.libra.flight;

import io.libra.operation.HandleNotFoundException;
import io.libra.results.ArrowResultStream;
import java.util.concurrent.CancellationException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.spark.SparkThrowable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one translator from a {@link Throwable} to a Flight {@link CallStatus}.
 *
 * <ul>
 *   <li>Spark errors ({@link SparkThrowable}, anywhere in the cause chain) with a user-facing
 *       SQLSTATE class (42 syntax/analysis, 22 data, 21 cardinality, 23 constraint, 0A feature) and
 *       {@link IllegalArgumentException}: INVALID_ARGUMENT. The message starts with Spark's error
 *       class in brackets and carries {@code SQLSTATE: xxxxx}.</li>
 *   <li>{@link HandleNotFoundException}, {@code JobNotFoundException}: NOT_FOUND.</li>
 *   <li>A statement past its timeout ({@code StatementTimeoutException}): TIMED_OUT.</li>
 *   <li>Cancelled jobs or streams: CANCELLED.</li>
 *   <li>{@code AdmissionException} (a limit reached), {@code SpillLimitException} (no disk room
 *       for result blocks): RESOURCE_EXHAUSTED.</li>
 *   <li>{@link SecurityException} (another user's session; {@code JobAccessDeniedException}:
 *       a job action the user may not take): UNAUTHORIZED, which is gRPC PERMISSION_DENIED.</li>
 *   <li>{@link FlightRuntimeException}: passed through.</li>
 *   <li>Anything else is our fault: INTERNAL, logged at ERROR with the stack trace.</li>
 * </ul>
 * User errors are logged at INFO.
 */
public final class FlightErrors {
  private static final Logger LOG = LoggerFactory.getLogger(FlightErrors.class);

  private FlightErrors() {}

  /** @return an exception to throw from a Flight handler or pass to {@code listener.error} */
  public static FlightRuntimeException toFlight(Throwable t) {
    if (t instanceof FlightRuntimeException f) {
      return f;
    }
    if (t instanceof io.libra.operation.AdmissionException) {
      LOG.info("rejected: {}", t.getMessage());
      return CallStatus.RESOURCE_EXHAUSTED.withDescription(t.getMessage()).toRuntimeException();
    }
    if (t instanceof SecurityException) {
      LOG.info("denied: {}", t.getMessage());
      return CallStatus.UNAUTHORIZED.withDescription(t.getMessage()).toRuntimeException();
    }
    if (t instanceof io.libra.ingest.TableExistsException) {
      LOG.info("user error: {}", t.getMessage());
      return CallStatus.ALREADY_EXISTS.withDescription(t.getMessage()).toRuntimeException();
    }
    if (t instanceof io.libra.ingest.TableMissingException) {
      LOG.info("user error: {}", t.getMessage());
      return CallStatus.NOT_FOUND.withDescription(t.getMessage()).toRuntimeException();
    }
    if (t instanceof HandleNotFoundException || t instanceof io.libra.jobs.JobNotFoundException) {
      LOG.info("not found: {}", t.getMessage());
      return CallStatus.NOT_FOUND.withDescription(t.getMessage()).toRuntimeException();
    }
    io.libra.results.SpillLimitException spill = find(t,
        io.libra.results.SpillLimitException.class);
    if (spill != null) {
      LOG.info("rejected: {}", spill.getMessage());
      return CallStatus.RESOURCE_EXHAUSTED.withDescription(spill.getMessage()).toRuntimeException();
    }
    io.libra.operation.StatementTimeoutException timeout = find(t,
        io.libra.operation.StatementTimeoutException.class);
    if (timeout != null) {
      LOG.info("timed out: {}", timeout.getMessage());
      return CallStatus.TIMED_OUT.withDescription(timeout.getMessage()).toRuntimeException();
    }
    if (isCancellation(t)) {
      LOG.info("cancelled: {}", t.getMessage());
      return CallStatus.CANCELLED.withDescription("statement cancelled: " + t.getMessage())
          .withCause(t).toRuntimeException();
    }
    SparkThrowable spark = findSpark(t);
    if (spark != null && isUserError(spark)) {
      String message = sparkMessage(spark);
      LOG.info("user error: {}", message);
      return CallStatus.INVALID_ARGUMENT.withDescription(message).toRuntimeException();
    }
    if (t instanceof StackOverflowError) {
      LOG.info("statement too deeply nested: {}", t.toString());
      return CallStatus.INVALID_ARGUMENT.withDescription("the statement is nested too deeply to"
          + " analyse (stack overflow); simplify it").toRuntimeException();
    }
    if (t instanceof IllegalArgumentException) {
      LOG.info("invalid argument: {}", t.getMessage());
      return CallStatus.INVALID_ARGUMENT.withDescription(t.getMessage()).toRuntimeException();
    }
    if (t instanceof UnsupportedOperationException) {
      return CallStatus.UNIMPLEMENTED.withDescription(t.getMessage()).toRuntimeException();
    }
    LOG.error("internal error", t);
    String message = spark != null ? sparkMessage(spark) : rootMessage(t);
    return CallStatus.INTERNAL.withDescription(message).withCause(t).toRuntimeException();
  }

  /** Every SQLSTATE except class XX (internal error) and 58 (system error) is the user's. */
  private static boolean isUserError(SparkThrowable spark) {
    String state = spark.getSqlState();
    if (state == null || state.length() < 2) {
      return spark instanceof org.apache.spark.sql.AnalysisException;
    }
    return !state.startsWith("XX") && !state.startsWith("58");
  }

  /** Spark's message, made sure to carry {@code [ERROR_CLASS]} and {@code SQLSTATE: xxxxx}. */
  static String sparkMessage(SparkThrowable spark) {
    // AnalysisException.getMessage appends the analysed logical plan: noise for a SQL user.
    String message = String.valueOf(spark instanceof org.apache.spark.sql.AnalysisException a
        ? a.getSimpleMessage() : ((Throwable) spark).getMessage()).strip();
    String condition = spark.getCondition();
    if (condition != null && !message.contains("[" + condition)) {
      message = "[" + condition + "] " + message;
    }
    String state = spark.getSqlState();
    if (state != null && !message.contains("SQLSTATE")) {
      message = message + " SQLSTATE: " + state;
    }
    return message;
  }

  /** The outermost message plus the root cause's, so wrapped failures stay readable. */
  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t) : t + " (cause: " + root + ")";
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static SparkThrowable findSpark(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SparkThrowable s && s.getCondition() != null) {
        return s;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static boolean isCancellation(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ArrowResultStream.ClientCancelledException
          || c instanceof CancellationException || c instanceof InterruptedException) {
        return true;
      }
      if (c instanceof SparkThrowable s && s.getCondition() != null
          && s.getCondition().contains("CANCELLED")) {
        return true;
      }
      String m = c.getMessage();
      if (c instanceof org.apache.spark.SparkException && m != null
          && (m.contains("cancelled") || m.contains("canceled"))) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
