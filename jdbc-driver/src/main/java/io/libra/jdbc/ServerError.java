package io.libra.jdbc;

/**
 * What the gateway said about a failed call: the cause of every {@link java.sql.SQLException} that
 * came from a Flight call. {@code sqlException.getCause()} is a {@code ServerError}, or
 * {@code sqlException.unwrap}-free: {@code (ServerError) e.getCause()}.
 *
 * <p>Source: the Flight status of the call ({@code FlightStatusCode} name, e.g.
 * {@code INVALID_ARGUMENT}) and the trailers Libra's gateway adds to every error:
 * {@code sqlstate} (five characters, SQL:2011 §24.1 / Spark's SQLSTATE) and {@code error-class}
 * (Spark's error class such as {@code TABLE_OR_VIEW_NOT_FOUND}, or Libra's own such as
 * {@code STATEMENT_TIMEOUT}).
 */
public final class ServerError extends Exception {
  private static final long serialVersionUID = 1L;
  private final String status;
  private final String sqlState;
  private final String errorClass;

  ServerError(String status, String message, String sqlState, String errorClass, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.sqlState = sqlState;
    this.errorClass = errorClass;
  }

  /** The Flight status code's name, e.g. {@code NOT_FOUND}; never null. */
  public String status() {
    return status;
  }

  /** The SQLSTATE the gateway sent (trailer {@code sqlstate}), or null when it sent none. */
  public String sqlState() {
    return sqlState;
  }

  /** Spark's or Libra's error class (trailer {@code error-class}), or null when none was sent. */
  public String errorClass() {
    return errorClass;
  }
}
