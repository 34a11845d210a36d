package io.libra.flight;

import io.libra.results.ResultSink;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A {@link ResultSink} that is a Flight {@code DoGet} stream ({@link ServerStreamListener}). */
final class FlightResultSink implements ResultSink {
  private final ServerStreamListener listener;

  FlightResultSink(ServerStreamListener listener) {
    this.listener = listener;
  }

  @Override
  public void start(VectorSchemaRoot root) {
    listener.start(root);
  }

  @Override
  public void putNext() {
    listener.putNext();
  }

  @Override
  public void completed() {
    listener.completed();
  }

  @Override
  public boolean isReady() {
    return listener.isReady();
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {
    listener.setOnReadyHandler(handler);
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {
    listener.setOnCancelHandler(handler);
  }

  @Override
  public boolean isCancelled() {
    return listener.isCancelled();
  }
}
