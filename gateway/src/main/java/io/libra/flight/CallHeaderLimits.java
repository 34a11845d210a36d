package io.libra.flight;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Refuses calls whose headers (names and values, as sent) total more than
 * {@code libra.server.max-header-bytes}, with INVALID_ARGUMENT naming the setting. A Flight
 * middleware registered before every other one, so it runs before authentication (a login with an
 * oversized header is refused the same way) and before session lookup. The transport itself takes
 * in up to {@link #TRANSPORT_LIMIT_BYTES} (Flight's {@code setMaxHeaderListSize}, gRPC's
 * {@code maxInboundMetadataSize}; its 8 KiB default would end a larger call with a bare transport
 * error a client cannot tell from a network fault); past that the transport refuses on its own.
 */
final class CallHeaderLimits implements FlightServerMiddleware.Factory<CallHeaderLimits.Checked> {
  /** The middleware's key. */
  static final FlightServerMiddleware.Key<Checked> KEY =
      FlightServerMiddleware.Key.of("libra-header-limits");
  /** What the transport takes in before this check runs. */
  static final int TRANSPORT_LIMIT_BYTES = 1 << 20;

  private final long maxBytes;

  /** @param maxBytes {@code libra.server.max-header-bytes} */
  CallHeaderLimits(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public Checked onCallStarted(CallInfo info, CallHeaders headers, RequestContext context) {
    long bytes = size(headers);
    if (bytes > maxBytes) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("the call's headers take " + bytes
          + " bytes, over libra.server.max-header-bytes (" + maxBytes + ")").toRuntimeException();
    }
    return Checked.INSTANCE;
  }

  /** Bytes of the headers' names and values (binary values as their decoded bytes). */
  static long size(CallHeaders headers) {
    long bytes = 0;
    for (String key : headers.keys()) {
      bytes += key.length();
      if (key.endsWith("-bin")) {
        for (byte[] v : headers.getAllByte(key)) {
          bytes += v.length;
        }
      } else {
        for (String v : headers.getAll(key)) {
          bytes += v.getBytes(StandardCharsets.UTF_8).length;
        }
      }
    }
    return bytes;
  }

  /** The middleware of an admitted call: nothing more to do. */
  static final class Checked implements FlightServerMiddleware {
    static final Checked INSTANCE = new Checked();

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

    @Override
    public void onCallCompleted(CallStatus status) {}

    @Override
    public void onCallErrored(Throwable err) {}
  }
}
