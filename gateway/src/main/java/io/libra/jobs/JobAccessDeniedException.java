package io.libra.jobs;

/**
 * The caller may not do this: submit without the {@code submit} role, use a resource outside
 * {@code libra.jobs.allowed-dirs}, set a denied Spark key, or run in-process when that is disabled
 * (Flight UNAUTHORIZED, which is gRPC PERMISSION_DENIED).
 */
public final class JobAccessDeniedException extends SecurityException {
  public JobAccessDeniedException(String message) {
    super(message);
  }
}
