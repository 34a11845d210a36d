package io.libra.procedures;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One declared parameter of a procedure: its name, type and whether it is required.
 */
public record ProcedureParameter(String name, Type type, boolean required) {

  /** Accepted argument types and how a parsed value converts to them. */
  public enum Type {
    STRING("a string"), INT("an integer"), STRING_ARRAY("ARRAY[...] of strings"),
    STRING_MAP("MAP[...] of string keys and values");

    private final String description;

    Type(String description) {
      this.description = description;
    }
  }

  public static ProcedureParameter required(String name, Type type) {
    return new ProcedureParameter(name, type, true);
  }

  public static ProcedureParameter optional(String name, Type type) {
    return new ProcedureParameter(name, type, false);
  }

  /**
   * Converts a parsed value: a string, an integer (no fraction, within int range), a list of
   * strings, a map of strings to strings (numbers are accepted as their text).
   *
   * @throws IllegalArgumentException naming this parameter and the expected type
   */
  Object convert(Object value, String procedure) {
    switch (type) {
      case STRING -> {
        if (value instanceof String s) {
          return s;
        }
      }
      case INT -> {
        if (value instanceof BigDecimal d) {
          try {
            return d.intValueExact();
          } catch (ArithmeticException e) {
            // falls through to the error below
          }
        }
      }
      case STRING_ARRAY -> {
        if (value instanceof List<?> items && items.stream().allMatch(ProcedureParameter::isText)) {
          return items.stream().map(ProcedureParameter::text).toList();
        }
      }
      case STRING_MAP -> {
        if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k instanceof String)
            && map.values().stream().allMatch(ProcedureParameter::isText)) {
          Map<String, String> out = new LinkedHashMap<>();
          map.forEach((k, v) -> out.put((String) k, text(v)));
          return out;
        }
      }
      default -> throw new IllegalStateException(type.name());
    }
    throw new IllegalArgumentException("argument '" + name + "' of libra." + procedure
        + " must be " + type.description + ", got " + show(value));
  }

  private static boolean isText(Object v) {
    return v instanceof String || v instanceof BigDecimal;
  }

  private static String text(Object v) {
    return v instanceof BigDecimal d ? d.toPlainString() : (String) v;
  }

  private static String show(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof List<?> l) {
      return "ARRAY" + l;
    }
    if (v instanceof Map<?, ?> m) {
      return "MAP" + m;
    }
    return v.toString();
  }
}
