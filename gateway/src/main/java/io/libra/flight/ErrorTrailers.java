package io.libra.flight;

import com.google.protobuf.Any;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.grpc.StatusUtils;

/**
 * The SQLSTATE and error class of a failed call as Flight error metadata (gRPC trailers), besides
 * the status message, so that any Flight client can read them without parsing the text.
 *
 * <ul>
 *   <li>{@value #SQLSTATE}: the five-character SQLSTATE (e.g. {@code 42P01}), when known.</li>
 *   <li>{@value #ERROR_CLASS}: Spark's error class (e.g. {@code TABLE_OR_VIEW_NOT_FOUND}) or one
 *       of Libra's ({@code STATEMENT_TIMEOUT}, {@code CANCELLED}, …), when known.</li>
 *   <li>{@value #STATUS_DETAILS}: the standard gRPC rich status, a serialized
 *       {@code google.rpc.Status} (the call's code and message) whose one detail is a
 *       {@code google.rpc.ErrorInfo} (reason: the error class, domain {@value #DOMAIN}, metadata:
 *       {@code sqlstate} and {@code error-class}), for clients of gRPC's rich error model (gRPC
 *       Go, which ADBC's driver is written in, takes the status from it: same code, same
 *       message). Sent only while the message is at most {@value #MAX_DETAILS_MESSAGE_BYTES}
 *       bytes, so the message travels once more within the clients' trailer size limit (gRPC
 *       Java: 8 KiB).</li>
 * </ul>
 * Keys are lowercase ASCII (gRPC metadata). Arrow Java's clients show them in
 * {@code FlightRuntimeException.status().metadata()}; ADBC's Flight SQL driver returns every
 * trailer as an error detail of that name ({@code adbc_driver_manager.Error.details}); pyarrow
 * hands them to a {@code ClientMiddleware}'s {@code received_headers} (its exceptions carry no
 * trailers).
 */
final class ErrorTrailers {
  static final String SQLSTATE = "sqlstate";
  static final String ERROR_CLASS = "error-class";
  static final String STATUS_DETAILS = "grpc-status-details-bin";
  static final String DOMAIN = "libra";
  static final int MAX_DETAILS_MESSAGE_BYTES = 2048;

  private ErrorTrailers() {}

  /**
   * {@code status} with the trailers of {@code errorClass} and {@code sqlState}; unchanged when
   * both are null. A SQLSTATE that is not five ASCII letters or digits is left out.
   */
  static CallStatus attach(CallStatus status, String errorClass, String sqlState) {
    String state = validState(sqlState) ? sqlState : null;
    String cls = errorClass == null || errorClass.isBlank() ? null : ascii(errorClass);
    if (state == null && cls == null) {
      return status;
    }
    ErrorFlightMetadata metadata = new ErrorFlightMetadata();
    com.google.rpc.ErrorInfo.Builder info = com.google.rpc.ErrorInfo.newBuilder().setDomain(DOMAIN);
    if (state != null) {
      metadata.insert(SQLSTATE, state);
      info.putMetadata(SQLSTATE, state);
    }
    if (cls != null) {
      metadata.insert(ERROR_CLASS, cls);
      info.putMetadata(ERROR_CLASS, cls).setReason(cls);
    }
    String message = status.description() == null ? "" : status.description();
    if (message.getBytes(StandardCharsets.UTF_8).length <= MAX_DETAILS_MESSAGE_BYTES) {
      metadata.insert(STATUS_DETAILS, com.google.rpc.Status.newBuilder()
          .setCode(StatusUtils.toGrpcStatusCode(status.code()).value())
          .setMessage(message)
          .addDetails(Any.pack(info.build()))
          .build().toByteArray());
    }
    return status.withMetadata(metadata);
  }

  private static boolean validState(String s) {
    if (s == null || s.length() != 5) {
      return false;
    }
    for (int i = 0; i < 5; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }

  /** Printable ASCII only (a gRPC text value); anything else becomes {@code ?}. */
  private static String ascii(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
