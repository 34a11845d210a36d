package io.libra.history;

import io.libra.operation.Operation;
import org.apache.spark.SparkThrowable;

/**
 * How a statement failed, for its history: Spark's error condition and SQLSTATE
 * ({@link SparkThrowable}, anywhere in the cause chain), else a name of Libra's.
 *
 * @param errorClass e.g. {@code TABLE_OR_VIEW_NOT_FOUND}, {@code STATEMENT_TIMEOUT},
 *     {@code ADMISSION_REJECTED}, {@code CANCELLED}, or the exception's class name
 * @param sqlState Spark's SQLSTATE, or null
 * @param message at most {@link #MAX_MESSAGE} characters
 */
record StatementError(String errorClass, String sqlState, String message) {
  static final int MAX_MESSAGE = 4000;

  static StatementError of(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof io.libra.operation.StatementTimeoutException) {
        return new StatementError("STATEMENT_TIMEOUT", null, cut(c.getMessage()));
      }
      if (c instanceof io.libra.operation.AdmissionException) {
        return new StatementError("ADMISSION_REJECTED", null, cut(c.getMessage()));
      }
      if (c instanceof SparkThrowable s && s.getCondition() != null) {
        String message = c instanceof org.apache.spark.sql.AnalysisException a
            ? a.getSimpleMessage() : c.getMessage();
        return new StatementError(s.getCondition(), s.getSqlState(), cut(message));
      }
      if (c.getCause() == c) {
        break;
      }
    }
    if (t instanceof SecurityException) {
      return new StatementError("UNAUTHORIZED", null, cut(t.getMessage()));
    }
    return new StatementError(t.getClass().getSimpleName(), null, cut(String.valueOf(t)));
  }

  /** A statement cancelled without a failure of its own (by its client, session, timeout). */
  static StatementError ofCancel(Operation op) {
    try {
      op.checkNotCancelled();
    } catch (RuntimeException e) {
      return of(e).errorClass().equals("STATEMENT_TIMEOUT") ? of(e)
          : new StatementError("CANCELLED", null, cut(e.getMessage()));
    }
    return new StatementError("CANCELLED", null, null);
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE);
  }
}
