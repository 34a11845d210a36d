package io.libra.jobs;

/** No job with this id, or one the caller may not see (Flight NOT_FOUND). */
public final class JobNotFoundException extends RuntimeException {
  public JobNotFoundException(String id) {
    super("job '" + id + "' not found");
  }
}
