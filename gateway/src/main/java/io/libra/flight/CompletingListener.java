package io.libra.flight;

import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * A {@link ServerStreamListener} that runs {@code beforeComplete} (the statement taking
 * COMPLETING, which throws when a cancel came first) before forwarding {@link #completed()}, so
 * a metadata statement never completes its stream after it was cancelled.
 */
final class CompletingListener implements ServerStreamListener {
  private final ServerStreamListener delegate;
  private final Runnable beforeComplete;

  CompletingListener(ServerStreamListener delegate, Runnable beforeComplete) {
    this.delegate = delegate;
    this.beforeComplete = beforeComplete;
  }

  @Override
  public boolean isCancelled() {
    return delegate.isCancelled();
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {
    delegate.setOnCancelHandler(handler);
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {
    delegate.setOnReadyHandler(handler);
  }

  @Override
  public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
    delegate.start(root, dictionaries, option);
  }

  @Override
  public void putNext() {
    delegate.putNext();
  }

  @Override
  public void putNext(ArrowBuf metadata) {
    delegate.putNext(metadata);
  }

  @Override
  public void putMetadata(ArrowBuf metadata) {
    delegate.putMetadata(metadata);
  }

  @Override
  public void error(Throwable t) {
    delegate.error(t);
  }

  @Override
  public void completed() {
    beforeComplete.run();
    delegate.completed();
  }

  @Override
  public void setUseZeroCopy(boolean enabled) {
    delegate.setUseZeroCopy(enabled);
  }
}
