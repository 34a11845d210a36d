package io.libra.operation;

/** A limit is reached (Flight RESOURCE_EXHAUSTED); the message names the limit and what to do. */
public final class AdmissionException extends RuntimeException {
  public AdmissionException(String message) {
    super(message);
  }
}
