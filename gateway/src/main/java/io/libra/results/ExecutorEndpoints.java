package io.libra.results;

import java.io.Serializable;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver side of {@link DirectFetchPlugin}: makes the ticket secret (32 random bytes, handed to
 * the executors through the plugin's extra conf, whose key Spark's UI redacts) and keeps the
 * address each executor's result server reported ({@code PluginContext.send} →
 * {@link #receive}).
 *
 * <p>Settings (SparkConf, set by the gateway from its own config): {@value #MODE}
 * ({@code off | auto | on}), {@value #ADVERTISE_HOST} (the host executors put in their endpoint
 * locations, {@code {host}} standing for the executor's host as Spark knows it; empty: that host,
 * not known to be reachable from clients), {@value #BIND_HOST} (where they
 * listen; empty: the executor's host), {@value #PORT} (the first port tried, the next 16 after
 * it; 0: any free port), {@value #TLS_CERT} and {@value #TLS_KEY} (the gateway's
 * TLS files when it serves TLS; executors then serve {@code grpc+tls} with them).
 */
public final class ExecutorEndpoints implements DriverPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorEndpoints.class);
  public static final String MODE = "spark.libra.results.direct-fetch";
  public static final String ADVERTISE_HOST = "spark.libra.results.direct-fetch.advertise-host";
  public static final String BIND_HOST = "spark.libra.results.direct-fetch.bind-host";
  public static final String PORT = "spark.libra.results.direct-fetch.port";
  public static final String TLS_CERT = "spark.libra.results.direct-fetch.tls.cert-file";
  public static final String TLS_KEY = "spark.libra.results.direct-fetch.tls.key-file";
  /** Whether the gateway listens on loopback only (so clients are on its machine). */
  public static final String CLIENTS_LOCAL = "spark.libra.results.direct-fetch.clients-local";

  /**
   * What an executor's result server reports: where clients reach it; {@code advertised} when
   * the host came from {@value #ADVERTISE_HOST} (the operator says clients reach it).
   */
  record Address(String executorId, String host, int port, boolean tls, boolean advertised)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The location URI: {@code grpc+tcp://host:port} or {@code grpc+tls://host:port}. */
    String uri() {
      String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      return (tls ? "grpc+tls://" : "grpc+tcp://") + h + ":" + port;
    }
  }

  private static volatile ExecutorEndpoints current;

  private final Map<String, Address> byExecutor = new ConcurrentHashMap<>();
  /** Executor-direct results whose job runs or whose endpoints are read ({@link DirectStream}). */
  private final Map<String, DirectStream> streams = new ConcurrentHashMap<>();
  private volatile SparkContext sc;
  private volatile byte[] secret;
  private volatile String mode = "off";
  private volatile boolean clientsLocal;

  /** The driver plugin of this JVM's SparkContext, or null when direct fetch is not installed. */
  public static ExecutorEndpoints get() {
    return current;
  }

  @Override
  public Map<String, String> init(SparkContext sc, PluginContext ctx) {
    this.sc = sc;
    SparkConf conf = sc.getConf();
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    this.secret = s;
    this.mode = conf.get(MODE, "auto");
    this.clientsLocal = conf.getBoolean(CLIENTS_LOCAL, false);
    Map<String, String> extra = new HashMap<>();
    extra.put(ExecutorResultServer.SECRET_KEY, Base64.getEncoder().encodeToString(s));
    extra.put(ExecutorResultServer.ADVERTISE_KEY, conf.get(ADVERTISE_HOST, ""));
    extra.put(ExecutorResultServer.BIND_KEY, conf.get(BIND_HOST, ""));
    extra.put(ExecutorResultServer.PORT_KEY, conf.get(PORT, "0"));
    extra.put(ExecutorResultServer.CERT_KEY, conf.get(TLS_CERT, ""));
    extra.put(ExecutorResultServer.KEY_KEY, conf.get(TLS_KEY, ""));
    current = this;
    LOG.info("executor-direct fetch ({}={}): executors start result servers", MODE, mode);
    return extra;
  }

  /**
   * Messages from executors (Spark's RPC threads): a result server's {@link Address}; a task's
   * {@link DirectStream.Published} block; a result server's {@link DirectStream.Poll} (answered
   * with a serialized {@link DirectStream.Batch}; a result no longer held answers NOT_FOUND) and
   * {@link DirectStream.Closed}.
   */
  @Override
  public Object receive(Object message) {
    if (message instanceof DirectStream.Poll p) {
      DirectStream s = streams.get(p.streamId());
      return (s == null ? DirectStream.Batch.notFound("result " + p.streamId() + " is not held"
          + " any more (its statement was cancelled, its tickets expired or its session closed)")
          : s.poll(p)).toBytes();
    }
    if (message instanceof DirectStream.Published b) {
      DirectStream s = streams.get(b.streamId());
      if (s != null) {
        s.published(b.partition(), b.attempt(), b.executorId(), b.ref());
      }
    } else if (message instanceof DirectStream.Closed c) {
      DirectStream s = streams.get(c.streamId());
      if (s != null) {
        s.closed(c.endpoint());
        if (s.complete()) {
          streams.remove(c.streamId()); // every endpoint read: later DoGets are NOT_FOUND
        }
      }
    } else if (message instanceof Address a) {
      byExecutor.put(a.executorId(), a);
      LOG.info("executor {} serves its result blocks at {}", a.executorId(), a.uri());
    }
    return null;
  }

  /**
   * A new result stream with one endpoint per live executor (ids in {@code executorIds}, each
   * with a reported server).
   */
  DirectStream open(String streamId, java.util.List<String> executorIds) {
    DirectStream s = new DirectStream(streamId, executorIds, this::isAlive);
    streams.put(streamId, s);
    return s;
  }

  /** Forgets stream {@code streamId}: its endpoints' next polls are NOT_FOUND. */
  void close(String streamId) {
    streams.remove(streamId);
  }

  /** The ids of the executors registered now, each with a reported server, or empty. */
  java.util.List<String> liveExecutors() {
    SparkContext context = sc;
    if (context == null || context.isStopped()) {
      return java.util.List.of();
    }
    java.util.List<String> ids = new java.util.ArrayList<>(
        scala.jdk.javaapi.CollectionConverters.asJava(context.getExecutorIds()));
    ids.removeIf(id -> !byExecutor.containsKey(id));
    java.util.Collections.sort(ids);
    return ids;
  }

  private boolean isAlive(String executorId) {
    SparkContext context = sc;
    return context != null && !context.isStopped()
        && context.getExecutorIds().contains(executorId);
  }

  @Override
  public void shutdown() {
    if (current == this) {
      current = null;
    }
  }

  /** The secret tickets are signed with. */
  byte[] secret() {
    return secret;
  }

  /** The address executor {@code executorId} reported, or null. */
  Address of(String executorId) {
    return byExecutor.get(executorId);
  }

  /**
   * Whether direct fetch may serve now: false with no executor yet, or one that has not reported
   * its server; in mode {@code auto} also false when an executor's address is not known to reach
   * clients: neither advertised ({@value #ADVERTISE_HOST} set) nor a loopback address of a
   * gateway that listens on loopback only ({@value #CLIENTS_LOCAL}: its clients are on this
   * machine too).
   */
  boolean usable() {
    SparkContext context = sc;
    if (context == null || context.isStopped()) {
      return false;
    }
    java.util.List<String> ids =
        scala.jdk.javaapi.CollectionConverters.asJava(context.getExecutorIds());
    for (String id : ids) {
      Address a = byExecutor.get(id);
      if (a == null
          || mode.equals("auto") && !a.advertised() && !(clientsLocal && isLoopback(a.host()))) {
        return false;
      }
    }
    return !ids.isEmpty();
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.io.IOException e) {
      return true; // unresolvable here: not known to be reachable
    }
  }
}
