package io.libra.flight;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.FlightConstants;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.RenewFlightEndpointRequest;
import org.apache.arrow.flight.SetSessionOptionsRequest;

/**
 * Checks the bodies of the Flight RPC actions (CancelFlightInfo, RenewFlightEndpoint,
 * SetSessionOptions, GetSessionOptions, CloseSession: Flight's {@code Flight.proto} messages) before
 * Arrow's {@code FlightSqlProducer.doAction} parses them: it answers a body that does not parse
 * with INTERNAL, as if the server had failed; the client sent a bad request, INVALID_ARGUMENT.
 */
final class ActionBodies {
  private interface Parser {
    Object parse(ByteBuffer body) throws Exception;
  }

  private static final Map<String, Parser> PARSERS = Map.of(
      FlightConstants.CANCEL_FLIGHT_INFO.getType(), CancelFlightInfoRequest::deserialize,
      FlightConstants.RENEW_FLIGHT_ENDPOINT.getType(), RenewFlightEndpointRequest::deserialize,
      FlightConstants.SET_SESSION_OPTIONS.getType(), SetSessionOptionsRequest::deserialize,
      FlightConstants.GET_SESSION_OPTIONS.getType(), GetSessionOptionsRequest::deserialize,
      FlightConstants.CLOSE_SESSION.getType(), CloseSessionRequest::deserialize);

  private ActionBodies() {}

  /**
   * @throws org.apache.arrow.flight.FlightRuntimeException INVALID_ARGUMENT when the action is one
   *     of those above and its body is not its request message
   */
  static void requireParsable(Action action) {
    Parser parser = PARSERS.get(action.getType());
    if (parser == null) {
      return;
    }
    try {
      parser.parse(ByteBuffer.wrap(action.getBody()));
    } catch (Exception e) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("malformed " + action.getType()
          + " request: " + e.getMessage()).toRuntimeException();
    }
  }
}
