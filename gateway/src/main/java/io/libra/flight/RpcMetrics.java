package io.libra.flight;

import io.libra.metrics.LibraMetrics;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Counts every Flight call by method and final status code ({@code libra_flight_rpcs_total}); a
 * Flight middleware registered first, so calls refused by later middleware (oversized headers,
 * authentication) are counted too.
 */
final class RpcMetrics implements FlightServerMiddleware.Factory<RpcMetrics.Call> {
  static final FlightServerMiddleware.Key<Call> KEY = FlightServerMiddleware.Key.of("libra-rpcs");

  private final LibraMetrics metrics;

  RpcMetrics(LibraMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Call onCallStarted(CallInfo info, CallHeaders headers, RequestContext context) {
    return new Call(info.method().name());
  }

  final class Call implements FlightServerMiddleware {
    private final String method;

    Call(String method) {
      this.method = method;
    }

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

    @Override
    public void onCallCompleted(CallStatus status) {
      metrics.rpc(method, status.code().name());
    }

    @Override
    public void onCallErrored(Throwable err) {}
  }
}
