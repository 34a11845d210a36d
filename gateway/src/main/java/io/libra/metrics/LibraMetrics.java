package io.libra.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gateway's metrics, in a registry of its own (Prometheus Java client 1.x), exposed by
 * {@link OpsServer} at {@code /metrics}:
 * <ul>
 *   <li>{@code libra_sessions_open} — client sessions open now;</li>
 *   <li>{@code libra_statements_running{pool}} — statements running now, by FAIR pool;</li>
 *   <li>{@code libra_statements_admitted} — statements holding a slot of
 *       {@code libra.operations.max-concurrent};</li>
 *   <li>{@code libra_statement_duration_seconds{kind,state}} — histogram, from submission to close;
 *       kind query, update, ingest, procedure; state FINISHED, FAILED, CANCELLED;</li>
 *   <li>{@code libra_result_rows_total}, {@code libra_result_bytes_total} — rows and Arrow buffer
 *       bytes sent in result streams (DoGet);</li>
 *   <li>{@code libra_flight_rpcs_total{method,code}} — Flight calls by method and final status;</li>
 *   <li>{@code libra_admission_rejections_total{limit}} — RESOURCE_EXHAUSTED by the setting hit;</li>
 *   <li>{@code libra_failed_logins_total} — failed password checks;
 *       {@code libra_throttled_logins_total} — attempts refused by the login back-off;</li>
 *   <li>{@code libra_arrow_allocated_bytes} — bytes held by the gateway's Arrow allocator;</li>
 *   <li>{@code libra_jobs{state}} — isolated jobs ({@code CALL libra.submit_job}) by state;</li>
 *   <li>the JVM's ({@code jvm_*}, {@code process_*}: memory, GC, threads, CPU).</li>
 * </ul>
 */
public final class LibraMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram statementSeconds = Histogram.builder()
      .name("libra_statement_duration_seconds")
      .help("Statement duration from submission to close, by kind and final state")
      .labelNames("kind", "state")
      .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
          1800)
      .register(registry);
  private final Counter rows = Counter.builder().name("libra_result_rows_total")
      .help("Rows sent in result streams").register(registry);
  private final Counter bytes = Counter.builder().name("libra_result_bytes_total")
      .help("Arrow buffer bytes sent in result streams").register(registry);
  private final Counter rpcs = Counter.builder().name("libra_flight_rpcs_total")
      .help("Flight calls by method and final status code").labelNames("method", "code")
      .register(registry);
  private final Counter rejections = Counter.builder().name("libra_admission_rejections_total")
      .help("Statements refused with RESOURCE_EXHAUSTED, by the limit reached")
      .labelNames("limit").register(registry);
  private final Counter failedLogins = Counter.builder().name("libra_failed_logins_total")
      .help("Failed password checks").register(registry);
  private final Counter throttledLogins = Counter.builder().name("libra_throttled_logins_total")
      .help("Login attempts refused by the back-off (libra.auth.max-failed-logins)")
      .register(registry);

  private final boolean enabled;

  /**
   * @param enabled false: nothing is counted (the operations port is off,
   *     {@code libra.metrics.port=-1}); the JVM's metrics are registered only when enabled
   */
  public LibraMetrics(boolean enabled) {
    this.enabled = enabled;
    if (enabled) {
      JvmMetrics.builder().register(registry);
    }
  }

  /** Whether anything is counted. */
  public boolean enabled() {
    return enabled;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** A gauge read at every scrape. */
  public void gauge(String name, String help, LongSupplier value) {
    GaugeWithCallback.builder().name(name).help(help)
        .callback(cb -> cb.call(value.getAsLong())).register(registry);
  }

  /** A gauge with one label, its values read at every scrape. */
  public void labelledGauge(String name, String help, String label,
      Supplier<Map<String, Long>> values) {
    GaugeWithCallback.builder().name(name).help(help).labelNames(label)
        .callback(cb -> values.get().forEach((k, v) -> cb.call(v, k))).register(registry);
  }

  public void statementEnded(String kind, String state, double seconds) {
    if (!enabled) {
      return;
    }
    statementSeconds.labelValues(kind, state).observe(seconds);
  }

  public void sent(long rowCount, long byteCount) {
    if (!enabled) {
      return;
    }
    rows.inc(rowCount);
    bytes.inc(byteCount);
  }

  public void rpc(String method, String code) {
    if (!enabled) {
      return;
    }
    rpcs.labelValues(method, code).inc();
  }

  public void admissionRejected(String limit) {
    if (!enabled) {
      return;
    }
    rejections.labelValues(limit).inc();
  }

  public void failedLogin() {
    if (!enabled) {
      return;
    }
    failedLogins.inc();
  }

  public void throttledLogin() {
    if (!enabled) {
      return;
    }
    throttledLogins.inc();
  }
}
