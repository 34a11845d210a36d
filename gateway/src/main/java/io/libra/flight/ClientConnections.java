package io.libra.flight;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.libra.operation.Handles;
import java.util.function.Consumer;

/**
 * Identifies the client connection (the HTTP/2 transport; a gRPC channel, one ADBC
 * {@code connect}, one JDBC connection) of every call, so a client that sends neither a session
 * cookie nor a bearer token still keeps one session for the life of its connection.
 *
 * <p>As a gRPC {@link ServerTransportFilter} it gives each transport a random id when it is ready
 * (a transport attribute) and reports the id when the transport terminates (the client closed
 * the channel, or the connection dropped). As a {@link ServerInterceptor} it puts the id into the
 * call's {@link Context}, where {@link #current()} reads it on the handler's thread.
 */
final class ClientConnections extends ServerTransportFilter implements ServerInterceptor {
  private static final Attributes.Key<String> ID_ATTRIBUTE = Attributes.Key.create(
      "libra-connection-id");
  private static final Context.Key<String> ID = Context.key("libra-connection-id");

  private final Consumer<String> onTerminated;

  /** @param onTerminated told the id of each connection that ended (closes its sessions) */
  ClientConnections(Consumer<String> onTerminated) {
    this.onTerminated = onTerminated;
  }

  /** The connection of the current call, or null outside a call. */
  static String current() {
    return ID.get();
  }

  @Override
  public Attributes transportReady(Attributes attributes) {
    return attributes.toBuilder().set(ID_ATTRIBUTE, Handles.newHandle()).build();
  }

  @Override
  public void transportTerminated(Attributes attributes) {
    // Null for a transport that never became ready (e.g. a TLS hello sent to the plaintext port).
    String id = attributes == null ? null : attributes.get(ID_ATTRIBUTE);
    if (id != null) {
      onTerminated.accept(id);
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String id = call.getAttributes().get(ID_ATTRIBUTE);
    if (id == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(ID, id), call, headers, next);
  }
}
