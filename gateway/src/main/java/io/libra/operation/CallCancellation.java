package io.libra.operation;

/**
 * How the front door tells an operation that its caller went away (a cancelled or disconnected
 * RPC). {@link #onCancel} registers a callback for the duration of the returned scope.
 */
@FunctionalInterface
public interface CallCancellation {
  /** No signal (tests, internal work). */
  CallCancellation NONE = callback -> () -> { };

  /** Registers {@code callback}; closing the result unregisters it. */
  Registration onCancel(Runnable callback);

  /** A registration to close when the operation ends. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
