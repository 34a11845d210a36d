package io.libra.flight;

import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client address of the call being handled, for the authenticator (login throttling per
 * address): Flight runs authentication in its middleware, which sees headers but not the peer.
 * gRPC creates a {@link ServerStreamTracer} per call, lets it add to the call's {@link Context}
 * ({@code filterContext}, when the stream is created) and then tells it the transport's attributes
 * ({@code serverCallStarted}, before any interceptor runs): the tracer puts itself into the
 * context and keeps the remote address, which {@link #current()} reads from the context of the
 * call on whatever thread handles it.
 */
final class ClientAddresses extends ServerStreamTracer.Factory {
  private static final Context.Key<Tracer> KEY = Context.key("libra-client-address");

  /** The host address of the current call, or null outside a call or when unknown. */
  static String current() {
    Tracer t = KEY.get();
    return t == null ? null : t.address;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new Tracer();
  }

  private static final class Tracer extends ServerStreamTracer {
    private volatile String address;

    @Override
    public Context filterContext(Context context) {
      return context.withValue(KEY, this);
    }

    @Override
    public void serverCallStarted(ServerCallInfo<?, ?> info) {
      SocketAddress remote = info.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      address = remote instanceof InetSocketAddress a && a.getAddress() != null
          ? a.getAddress().getHostAddress() : remote == null ? null : remote.toString();
    }
  }
}
