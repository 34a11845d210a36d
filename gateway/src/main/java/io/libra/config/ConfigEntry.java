package io.libra.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One typed, documented Libra setting: its key in {@code conf/libra.properties}, its default and how
 * its text value is parsed.
 *
 * @param <T> the value type
 */
public final class ConfigEntry<T> {
  private final String key;
  private final String defaultText;
  private final String doc;
  private final Function<String, T> parser;

  private ConfigEntry(String key, String defaultText, String doc, Function<String, T> parser) {
    this.key = Objects.requireNonNull(key);
    this.defaultText = Objects.requireNonNull(defaultText);
    this.doc = Objects.requireNonNull(doc);
    this.parser = Objects.requireNonNull(parser);
  }

  /** A string setting. */
  public static ConfigEntry<String> string(String key, String defaultValue, String doc) {
    return new ConfigEntry<>(key, defaultValue, doc, s -> s);
  }

  /**
   * A size in bytes within {@code [min, max]}: a plain number of bytes or Spark's size notation
   * ({@code 64k}, {@code 4m}, {@code 1g}, {@code 2t}; binary units, case-insensitive, an optional
   * {@code b}), parsed by Spark's {@code JavaUtils.byteStringAsBytes}.
   */
  public static ConfigEntry<Long> bytes(String key, long defaultValue, long min, long max,
      String doc) {
    return new ConfigEntry<>(key, Long.toString(defaultValue), doc, s -> {
      long v;
      try {
        v = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(s.trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("must be a size in bytes, e.g. 4194304, 64k, 4m or 1g");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max + " bytes");
      }
      return v;
    });
  }

  /** A setting that is one of {@code choices} (lower case; the value is lower-cased). */
  public static ConfigEntry<String> oneOf(String key, String defaultValue,
      java.util.List<String> choices, String doc) {
    return new ConfigEntry<>(key, defaultValue, doc, s -> {
      String v = s.trim().toLowerCase(java.util.Locale.ROOT);
      if (!choices.contains(v)) {
        throw new IllegalArgumentException("must be one of " + String.join(", ", choices));
      }
      return v;
    });
  }

  /** A boolean setting: {@code true} or {@code false}. */
  public static ConfigEntry<Boolean> bool(String key, boolean defaultValue, String doc) {
    return new ConfigEntry<>(key, Boolean.toString(defaultValue), doc, s -> {
      String v = s.trim().toLowerCase(java.util.Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException("must be true or false");
      }
      return Boolean.parseBoolean(v);
    });
  }

  /** An integer setting within {@code [min, max]}. */
  public static ConfigEntry<Integer> integer(String key, int defaultValue, int min, int max, String doc) {
    return new ConfigEntry<>(key, Integer.toString(defaultValue), doc, s -> {
      int v = Integer.parseInt(s.trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return v;
    });
  }

  /** A long setting within {@code [min, max]}. */
  public static ConfigEntry<Long> longValue(String key, long defaultValue, long min, long max, String doc) {
    return new ConfigEntry<>(key, Long.toString(defaultValue), doc, s -> {
      long v = Long.parseLong(s.trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return v;
    });
  }

  /** A non-negative decimal setting. */
  public static ConfigEntry<Double> nonNegativeDouble(String key, double defaultValue, String doc) {
    return new ConfigEntry<>(key, Double.toString(defaultValue), doc, s -> {
      double v = Double.parseDouble(s.trim());
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("must be a non-negative number");
      }
      return v;
    });
  }

  public String key() {
    return key;
  }

  public String defaultText() {
    return defaultText;
  }

  public String doc() {
    return doc;
  }

  /** The environment variable that overrides this key: {@code LIBRA_SERVER_PORT} for {@code libra.server.port}. */
  public String envName() {
    return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Parses a text value.
   *
   * @throws IllegalArgumentException with a message that names the key and the source
   */
  T parse(String text, String source) {
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          source + ": bad value '" + text + "' for " + key + ": " + e.getMessage(), e);
    }
  }
}
