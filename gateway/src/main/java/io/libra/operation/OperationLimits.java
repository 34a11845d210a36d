package io.libra.operation;

/**
 * Admission limits for statements.
 *
 * @param maxConcurrent operations running at once in the whole gateway (statement executor size)
 * @param maxConcurrentPerUser operations running at once for one user
 */
public record OperationLimits(int maxConcurrent, int maxConcurrentPerUser) {}
