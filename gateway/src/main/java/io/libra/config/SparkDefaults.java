package io.libra.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads {@code conf/spark-defaults.conf} (Spark's format: {@code key whitespace value}, {@code #}
 * comments; the same format {@code java.util.Properties} reads) and applies overrides.
 *
 * <p>Every key must start with {@code spark.}; {@code ${LIBRA_CONF_DIR}} and {@code ${LIBRA_WORK_DIR}}
 * in values are replaced by the absolute conf and work directories. Environment variables do not
 * apply here; command-line {@code --conf spark.x=y} does.
 */
public final class SparkDefaults {
  private SparkDefaults() {}

  /**
   * @return the Spark settings in file order, with overrides applied last
   * @throws IllegalArgumentException naming the file and key when a key is not a {@code spark.} key
   */
  public static Map<String, String> load(Path file, Path confDir, Path workDir,
      Map<String, String> overrides) throws IOException {
    Map<String, String> result = new LinkedHashMap<>();
    if (Files.exists(file)) {
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(r);
      }
      for (String key : props.stringPropertyNames()) {
        put(result, key, props.getProperty(key), file.toString(), confDir, workDir);
      }
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      put(result, o.getKey(), o.getValue(), "command line", confDir, workDir);
    }
    return result;
  }

  private static void put(Map<String, String> into, String key, String value, String source,
      Path confDir, Path workDir) {
    if (!key.startsWith("spark.")) {
      throw new IllegalArgumentException(
          source + ": '" + key + "' is not a Spark setting (keys must start with 'spark.')");
    }
    String v = value.trim()
        .replace("${LIBRA_CONF_DIR}", confDir.toAbsolutePath().normalize().toString())
        .replace("${LIBRA_WORK_DIR}", workDir.toString());
    into.put(key, v);
  }
}
