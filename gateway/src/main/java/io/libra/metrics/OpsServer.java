package io.libra.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's operations port ({@code libra.metrics.host}:{@code libra.metrics.port}, loopback
 * by default; port 0 picks a free one): {@code /metrics} (Prometheus text exposition of
 * {@link LibraMetrics}), {@code /health/live} (200 while the process serves this port) and
 * {@code /health/ready} (200 once the Flight server accepts calls and the catalog is warm, 503
 * before that and while draining at stop).
 */
public final class OpsServer implements AutoCloseable {
  private final LibraMetrics metrics;
  private final HTTPServer http;
  private volatile boolean ready;
  private volatile boolean draining;

  private OpsServer(String host, int port) throws IOException {
    this.metrics = new LibraMetrics(port >= 0);
    this.http = port < 0 ? null : HTTPServer.builder().hostname(host).port(port)
        .registry(metrics.registry()).registerHealthHandler(false).defaultHandler(this::handle)
        .buildAndStart();
  }

  /**
   * Starts serving (live, not ready yet) on {@code libra.metrics.host}:{@code libra.metrics.port};
   * with port -1 nothing is served (metrics are still kept).
   */
  public static OpsServer start(io.libra.config.LibraConfig config) throws IOException {
    return new OpsServer(config.get(io.libra.config.LibraConfig.METRICS_HOST),
        config.get(io.libra.config.LibraConfig.METRICS_PORT));
  }

  public LibraMetrics metrics() {
    return metrics;
  }

  /** The bound port, or -1 when off. */
  public int port() {
    return http == null ? -1 : http.getPort();
  }

  /** From now on {@code /health/ready} answers 200 (unless draining). */
  public void ready() {
    ready = true;
  }

  /** From now on {@code /health/ready} answers 503: the gateway is stopping. */
  public void draining() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int code;
    String body;
    if (path.equals("/health/live")) {
      code = 200;
      body = "live\n";
    } else if (path.equals("/health/ready")) {
      boolean ok = ready && !draining;
      code = ok ? 200 : 503;
      body = ok ? "ready\n" : draining ? "draining\n" : "starting\n";
    } else {
      code = 404;
      body = "not found: try /metrics, /health/live, /health/ready\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
  }
}
