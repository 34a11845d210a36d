package io.libra.operation;

import java.util.concurrent.CancellationException;

/**
 * A statement ran past its timeout and was cancelled; the message names the timeout and where it
 * was set (session option {@code statement_timeout}, call header {@code statement_timeout} or
 * {@code libra.operations.statement-timeout-seconds}). Flight status TIMED_OUT.
 */
public final class StatementTimeoutException extends CancellationException {
  public StatementTimeoutException(String message) {
    super(message);
  }
}
