package io.libra.results;

/**
 * A Spark task found no room for its result blocks under
 * {@code libra.results.max-spill-bytes-total} in time ({@link SpillBudget}); the client gets Flight
 * RESOURCE_EXHAUSTED with this message. It travels with the task's failure (serializable), so the
 * driver finds it in the job failure's cause chain.
 */
public final class SpillLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SpillLimitException(String message) {
    super(message);
  }
}
