package io.libra.flight;

import io.libra.operation.HandleNotFoundException;
import io.libra.results.ArrowResultStream;
import io.libra.session.SessionNotFoundException;
import java.util.concurrent.CancellationException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.spark.SparkThrowable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one translator from a {@link Throwable} to a Flight {@link CallStatus}: its code, its message,
 * and — whenever known — the SQLSTATE and error class as error metadata ({@link ErrorTrailers}:
 * trailers {@code sqlstate}, {@code error-class}).
 *
 * <table>
 *   <caption>status, error class, SQLSTATE</caption>
 *   <tr><th>failure</th><th>status</th><th>error-class</th><th>sqlstate</th></tr>
 *   <tr><td>Spark errors ({@link SparkThrowable}, anywhere in the cause chain) with a user-facing
 *       SQLSTATE class (42 syntax/analysis, 22 data, 21 cardinality, 23 constraint, 0A feature…;
 *       all but XX and 58); the message starts with the class in brackets and carries
 *       {@code SQLSTATE: xxxxx}</td><td>INVALID_ARGUMENT</td><td>Spark's</td><td>Spark's</td></tr>
 *   <tr><td>other Spark errors (XX, 58)</td><td>INTERNAL</td><td>Spark's</td><td>Spark's</td></tr>
 *   <tr><td>a statement past its timeout ({@code StatementTimeoutException})</td>
 *       <td>TIMED_OUT</td><td>STATEMENT_TIMEOUT</td><td>HYT00</td></tr>
 *   <tr><td>cancelled jobs or streams</td><td>CANCELLED</td><td>CANCELLED</td><td>HY008</td></tr>
 *   <tr><td>{@code AdmissionException} (a limit reached), {@code SpillLimitException} (no disk
 *       room for result blocks)</td><td>RESOURCE_EXHAUSTED</td><td>ADMISSION_REJECTED,
 *       SPILL_LIMIT</td><td>53000</td></tr>
 *   <tr><td>{@link SecurityException} (another user's session; {@code JobAccessDeniedException}: a
 *       job action the user may not take; the SQL boundary)</td><td>UNAUTHORIZED (gRPC
 *       PERMISSION_DENIED)</td><td>UNAUTHORIZED</td><td>42501</td></tr>
 *   <tr><td>bulk ingest: the table exists / is missing</td><td>ALREADY_EXISTS / NOT_FOUND</td>
 *       <td>TABLE_OR_VIEW_ALREADY_EXISTS / TABLE_OR_VIEW_NOT_FOUND</td><td>42P07 / 42P01</td></tr>
 *   <tr><td>{@link SessionNotFoundException} (a closed or unknown session's cookie)</td>
 *       <td>NOT_FOUND</td><td>SESSION_NOT_FOUND</td><td>08003</td></tr>
 *   <tr><td>{@link HandleNotFoundException}, {@code JobNotFoundException}</td><td>NOT_FOUND</td>
 *       <td></td><td></td></tr>
 *   <tr><td>{@link IllegalArgumentException}, a statement nested too deeply</td>
 *       <td>INVALID_ARGUMENT</td><td></td><td></td></tr>
 *   <tr><td>{@link UnsupportedOperationException}</td><td>UNIMPLEMENTED</td><td></td><td></td></tr>
 *   <tr><td>{@link FlightRuntimeException}</td><td>passed through</td><td></td><td></td></tr>
 *   <tr><td>anything else: our fault, logged at ERROR with the stack trace</td><td>INTERNAL</td>
 *       <td></td><td></td></tr>
 * </table>
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
      return fail(CallStatus.RESOURCE_EXHAUSTED, t.getMessage(), "ADMISSION_REJECTED", "53000");
    }
    if (t instanceof SecurityException) {
      LOG.info("denied: {}", t.getMessage());
      return fail(CallStatus.UNAUTHORIZED, t.getMessage(), "UNAUTHORIZED", "42501");
    }
    if (t instanceof io.libra.ingest.TableExistsException) {
      LOG.info("user error: {}", t.getMessage());
      return fail(CallStatus.ALREADY_EXISTS, t.getMessage(), "TABLE_OR_VIEW_ALREADY_EXISTS",
          "42P07");
    }
    if (t instanceof io.libra.ingest.TableMissingException) {
      LOG.info("user error: {}", t.getMessage());
      return fail(CallStatus.NOT_FOUND, t.getMessage(), "TABLE_OR_VIEW_NOT_FOUND", "42P01");
    }
    if (t instanceof SessionNotFoundException) {
      LOG.info("not found: {}", t.getMessage());
      return fail(CallStatus.NOT_FOUND, t.getMessage(), "SESSION_NOT_FOUND", "08003");
    }
    if (t instanceof HandleNotFoundException || t instanceof io.libra.jobs.JobNotFoundException) {
      LOG.info("not found: {}", t.getMessage());
      return fail(CallStatus.NOT_FOUND, t.getMessage(), null, null);
    }
    io.libra.results.SpillLimitException spill = find(t,
        io.libra.results.SpillLimitException.class);
    if (spill != null) {
      LOG.info("rejected: {}", spill.getMessage());
      return fail(CallStatus.RESOURCE_EXHAUSTED, spill.getMessage(), "SPILL_LIMIT", "53000");
    }
    io.libra.operation.StatementTimeoutException timeout = find(t,
        io.libra.operation.StatementTimeoutException.class);
    if (timeout != null) {
      LOG.info("timed out: {}", timeout.getMessage());
      return fail(CallStatus.TIMED_OUT, timeout.getMessage(), "STATEMENT_TIMEOUT", "HYT00");
    }
    if (isCancellation(t)) {
      LOG.info("cancelled: {}", t.getMessage());
      return ErrorTrailers.attach(CallStatus.CANCELLED.withDescription("statement cancelled: "
          + t.getMessage()).withCause(t), "CANCELLED", "HY008").toRuntimeException();
    }
    SparkThrowable spark = findSpark(t);
    if (spark != null && isUserError(spark)) {
      String message = sparkMessage(spark);
      LOG.info("user error: {}", message);
      return fail(CallStatus.INVALID_ARGUMENT, message, spark.getCondition(),
          spark.getSqlState());
    }
    if (t instanceof StackOverflowError) {
      LOG.info("statement too deeply nested: {}", t.toString());
      return fail(CallStatus.INVALID_ARGUMENT, "the statement is nested too deeply to"
          + " analyse (stack overflow); simplify it", null, null);
    }
    if (t instanceof IllegalArgumentException) {
      LOG.info("invalid argument: {}", t.getMessage());
      return fail(CallStatus.INVALID_ARGUMENT, t.getMessage(), null, null);
    }
    if (t instanceof UnsupportedOperationException) {
      return fail(CallStatus.UNIMPLEMENTED, t.getMessage(), null, null);
    }
    LOG.error("internal error", t);
    String message = spark != null ? sparkMessage(spark) : rootMessage(t);
    return ErrorTrailers.attach(CallStatus.INTERNAL.withDescription(message).withCause(t),
        spark == null ? null : spark.getCondition(), spark == null ? null : spark.getSqlState())
        .toRuntimeException();
  }

  /** {@code code} with {@code message} and, when not null, the error class and SQLSTATE. */
  private static FlightRuntimeException fail(CallStatus code, String message, String errorClass,
      String sqlState) {
    return ErrorTrailers.attach(code.withDescription(message), errorClass, sqlState)
        .toRuntimeException();
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
