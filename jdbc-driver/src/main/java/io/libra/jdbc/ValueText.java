package io.libra.jdbc;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * The text {@code ResultSet.getString} gives of a value, close to how Spark shows it: numbers in
 * Java's form (decimals without exponent, {@code toPlainString}), binary as lower-case hex,
 * dates {@code yyyy-MM-dd}, times {@code HH:mm:ss[.fraction]}, timestamps
 * {@code yyyy-MM-dd HH:mm:ss[.fraction]} (fraction without trailing zeros, none when zero; for a
 * timestamp with a zone the wall clock in the column's zone, which the reader passes here as a
 * LocalDateTime), intervals in ISO-8601 ({@code P1Y2M}, {@code PT26H3M4S}), and arrays, maps and
 * structs as JSON-like text as Spark's {@code HiveResult} writes them ({@code [1,2,null]},
 * {@code {"a":1,"b":null}}; strings inside them quoted).
 */
final class ValueText {
  private ValueText() {}

  /** Text of a non-null top-level value. */
  static String of(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Map<?, ?> || v instanceof Collection<?> || v instanceof Array
        || v instanceof Object[]) {
      StringBuilder b = new StringBuilder();
      append(b, v, false);
      return b.toString();
    }
    return scalar(v);
  }

  private static String scalar(Object v) {
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    }
    if (v instanceof Timestamp t) {
      return wallClock(t.toLocalDateTime());
    }
    if (v instanceof LocalDateTime l) {
      return wallClock(l);
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof Time t) {
      return time(t.toLocalTime());
    }
    if (v instanceof LocalTime t) {
      return time(t);
    }
    return v.toString();
  }

  /** {@code yyyy-MM-dd HH:mm:ss[.fraction]}, the fraction without trailing zeros. */
  static String wallClock(LocalDateTime l) {
    LocalDate d = l.toLocalDate();
    return d + " " + time(l.toLocalTime());
  }

  /** {@code HH:mm:ss[.fraction]}, the fraction without trailing zeros. */
  static String time(LocalTime t) {
    StringBuilder b = new StringBuilder(18);
    two(b, t.getHour()).append(':');
    two(b, t.getMinute()).append(':');
    two(b, t.getSecond());
    int nanos = t.getNano();
    if (nanos != 0) {
      String f = Integer.toString(1_000_000_000 + nanos).substring(1);
      int end = f.length();
      while (f.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(f, 0, end);
    }
    return b.toString();
  }

  private static StringBuilder two(StringBuilder b, int n) {
    if (n < 10) {
      b.append('0');
    }
    return b.append(n);
  }

  private static void append(StringBuilder b, Object v, boolean inside) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Array a) {
      try {
        append(b, a.getArray(), inside);
      } catch (SQLException e) {
        b.append("[]");
      }
    } else if (v instanceof Object[] items) {
      b.append('[');
      for (int i = 0; i < items.length; i++) {
        if (i > 0) {
          b.append(',');
        }
        append(b, items[i], true);
      }
      b.append(']');
    } else if (v instanceof Collection<?> items) {
      b.append('[');
      Iterator<?> it = items.iterator();
      while (it.hasNext()) {
        append(b, it.next(), true);
        if (it.hasNext()) {
          b.append(',');
        }
      }
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        append(b, e.getKey(), true);
        b.append(':');
        append(b, e.getValue(), true);
      }
      b.append('}');
    } else if (v instanceof String s && inside) {
      quote(b, s);
    } else {
      b.append(scalar(v));
    }
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    b.append('"');
  }
}
