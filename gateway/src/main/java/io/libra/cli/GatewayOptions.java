package io.libra.cli;

import io.libra.config.LibraConfig;
import io.libra.config.SparkDefaults;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by every subcommand: where the configuration is and per-run overrides. */
public final class GatewayOptions {
  @Option(names = "--home", description = "LIBRA_HOME: base of relative paths"
      + " (default: $LIBRA_HOME, else the current directory).")
  Path home;

  @Option(names = "--conf-dir", description = "Directory with libra.properties,"
      + " spark-defaults.conf, fairscheduler.xml (default: $LIBRA_CONF_DIR, else HOME/conf).")
  Path confDir;

  @Option(names = {"-c", "--conf"}, description = "Override a setting: libra.*=value or"
      + " spark.*=value. Repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  Path home() {
    if (home != null) {
      return home.toAbsolutePath().normalize();
    }
    String env = System.getenv("LIBRA_HOME");
    return Path.of(env != null ? env : ".").toAbsolutePath().normalize();
  }

  Path confDir() {
    if (confDir != null) {
      return confDir.toAbsolutePath().normalize();
    }
    String env = System.getenv("LIBRA_CONF_DIR");
    return env != null ? Path.of(env).toAbsolutePath().normalize() : home().resolve("conf");
  }

  LibraConfig libraConfig() throws Exception {
    Map<String, String> libra = new LinkedHashMap<>();
    overrides.forEach((k, v) -> {
      if (!k.startsWith("spark.")) {
        libra.put(k, v);
      }
    });
    return LibraConfig.load(home(), confDir(), System.getenv(), libra);
  }

  /**
   * Executor-direct fetch's settings for the Spark plugin that serves it
   * ({@link io.libra.results.ExecutorEndpoints}): the mode, hosts, the gateway's TLS files
   * (absolute) when it serves TLS, and whether clients are local (the gateway binds loopback).
   */
  static void directFetch(LibraConfig config, Map<String, String> spark) throws Exception {
    spark.put(io.libra.results.ExecutorEndpoints.MODE, config.get(LibraConfig.DIRECT_FETCH));
    spark.put(io.libra.results.ExecutorEndpoints.ADVERTISE_HOST,
        config.get(LibraConfig.DIRECT_FETCH_ADVERTISE_HOST));
    spark.put(io.libra.results.ExecutorEndpoints.BIND_HOST,
        config.get(LibraConfig.DIRECT_FETCH_BIND_HOST));
    spark.put(io.libra.results.ExecutorEndpoints.PORT,
        Integer.toString(config.get(LibraConfig.DIRECT_FETCH_PORT)));
    spark.put(io.libra.results.ExecutorEndpoints.CLIENTS_LOCAL, Boolean.toString(
        java.net.InetAddress.getByName(config.get(LibraConfig.SERVER_HOST)).isLoopbackAddress()));
    if (config.get(LibraConfig.TLS_ENABLED)) {
      spark.put(io.libra.results.ExecutorEndpoints.TLS_CERT, config.confDir()
          .resolve(config.get(LibraConfig.TLS_CERT_FILE)).toAbsolutePath().toString());
      spark.put(io.libra.results.ExecutorEndpoints.TLS_KEY, config.confDir()
          .resolve(config.get(LibraConfig.TLS_KEY_FILE)).toAbsolutePath().toString());
    }
  }

  Map<String, String> sparkConfig(LibraConfig config) throws Exception {
    Map<String, String> spark = new LinkedHashMap<>();
    overrides.forEach((k, v) -> {
      if (k.startsWith("spark.")) {
        spark.put(k, v);
      }
    });
    // The analyzer's guard (SqlGuard) reads the denied functions from SparkConf.
    spark.put(io.libra.engine.SqlGuard.CONF, config.get(LibraConfig.DENIED_FUNCTIONS));
    directFetch(config, spark);
    return SparkDefaults.load(confDir().resolve("spark-defaults.conf"), confDir(),
        config.workDir(), spark);
  }
}
