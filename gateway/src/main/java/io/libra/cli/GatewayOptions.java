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

  Map<String, String> sparkConfig(LibraConfig config) throws Exception {
    Map<String, String> spark = new LinkedHashMap<>();
    overrides.forEach((k, v) -> {
      if (k.startsWith("spark.")) {
        spark.put(k, v);
      }
    });
    // The analyzer's guard (SqlGuard) reads the denied functions from SparkConf.
    spark.put(io.libra.engine.SqlGuard.CONF, config.get(LibraConfig.DENIED_FUNCTIONS));
    return SparkDefaults.load(confDir().resolve("spark-defaults.conf"), confDir(),
        config.workDir(), spark);
  }
}
