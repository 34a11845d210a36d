package io.libra.flight;

import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * While the gateway drains at stop ({@code libra.server.drain-seconds}), new calls get UNAVAILABLE
 * ("the gateway is stopping"), so clients retry elsewhere; calls already running go on. A Flight
 * middleware, registered early.
 */
final class DrainGate implements FlightServerMiddleware.Factory<CallHeaderLimits.Checked> {
  static final FlightServerMiddleware.Key<CallHeaderLimits.Checked> KEY =
      FlightServerMiddleware.Key.of("libra-drain");

  private final BooleanSupplier draining;

  DrainGate(BooleanSupplier draining) {
    this.draining = draining;
  }

  @Override
  public CallHeaderLimits.Checked onCallStarted(CallInfo info, CallHeaders headers,
      RequestContext context) {
    if (draining.getAsBoolean()) {
      throw CallStatus.UNAVAILABLE.withDescription("the gateway is stopping (draining running"
          + " statements); retry on another gateway or after it restarts").toRuntimeException();
    }
    return CallHeaderLimits.Checked.INSTANCE;
  }
}
