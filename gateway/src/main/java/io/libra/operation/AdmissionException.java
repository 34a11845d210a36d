package io.libra.operation;

/**
 * A limit is reached (Flight RESOURCE_EXHAUSTED); the message names the limit and what to do.
 * {@link #limit()} is the setting, for {@code libra_admission_rejections_total}.
 */
public final class AdmissionException extends RuntimeException {
  private final String limit;

  /** @param limit the setting reached ({@code libra.operations.max-concurrent}, …) */
  public AdmissionException(String limit, String message) {
    super(message);
    this.limit = limit;
  }

  public String limit() {
    return limit;
  }
}
