package io.libra.flight;

import io.libra.results.ResultSink;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A {@link ResultSink} that is a Flight {@code DoGet} stream ({@link ServerStreamListener}); every
 * batch's rows and Arrow buffer bytes go to {@code libra_result_rows_total} and
 * {@code libra_result_bytes_total}.
 */
final class FlightResultSink implements ResultSink {
  private final ServerStreamListener listener;
  private final io.libra.metrics.LibraMetrics metrics;
  private VectorSchemaRoot root;

  FlightResultSink(ServerStreamListener listener, io.libra.metrics.LibraMetrics metrics) {
    this.listener = listener;
    this.metrics = metrics;
  }

  @Override
  public void start(VectorSchemaRoot root) {
    this.root = root;
    listener.start(root);
  }

  @Override
  public void putNext() {
    if (metrics.enabled()) {
      long bytes = 0;
      for (org.apache.arrow.vector.FieldVector v : root.getFieldVectors()) {
        bytes += v.getBufferSize();
      }
      metrics.sent(root.getRowCount(), bytes);
    }
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
