package io.libra.flight;

import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/** The answer of a Flight SQL DoPut: one {@link PutResult} whose app metadata is a message. */
final class PutResults {
  private PutResults() {}

  @FunctionalInterface
  interface Update {
    /** @return the update count (-1 unknown) */
    long run() throws Exception;
  }

  @FunctionalInterface
  interface Answer {
    /** @return the serialized answer message */
    byte[] run() throws Exception;
  }

  /** Runs an update and answers {@code DoPutUpdateResult} with its count. */
  static void updateCount(BufferAllocator allocator, StreamListener<PutResult> ack,
      Update update) {
    answer(allocator, ack, () -> DoPutUpdateResult.newBuilder().setRecordCount(update.run())
        .build().toByteArray());
  }

  /** Sends one PutResult whose app metadata is the answer's bytes, or the translated error. */
  static void answer(BufferAllocator allocator, StreamListener<PutResult> ack, Answer answer) {
    try {
      byte[] bytes = answer.run();
      try (ArrowBuf buf = allocator.buffer(bytes.length)) {
        buf.writeBytes(bytes);
        ack.onNext(PutResult.metadata(buf));
      }
      ack.onCompleted();
    } catch (Throwable t) {
      ack.onError(FlightErrors.toFlight(t));
    }
  }
}
