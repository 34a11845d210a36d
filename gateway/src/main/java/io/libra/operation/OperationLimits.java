package io.libra.operation;

/**
 * Admission limits for statements.
 *
 * @param maxConcurrent operations running at once in the whole gateway (statement executor size)
 * @param maxConcurrentPerUser operations running at once for one user
 * @param admissionWaitMillis how long a statement over a limit waits for a slot before it is
 *     refused (0 = refuse at once). A short wait absorbs the moment between a client receiving
 *     the end of its result and the server releasing that statement's slot.
 */
public record OperationLimits(int maxConcurrent, int maxConcurrentPerUser,
    long admissionWaitMillis) {

  /** Limits that refuse at once. */
  public OperationLimits(int maxConcurrent, int maxConcurrentPerUser) {
    this(maxConcurrent, maxConcurrentPerUser, 0);
  }
}
