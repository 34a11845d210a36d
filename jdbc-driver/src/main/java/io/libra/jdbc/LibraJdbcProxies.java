package io.libra.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Calendar;

/**
 * Wraps the Arrow driver's Connection, Statements and ResultSets (dynamic proxies) so that
 * timestamp reads return correct values ({@link TimestampColumns}); every other call goes to the
 * Arrow driver unchanged. {@code unwrap} still reaches the Arrow driver's objects.
 *
 * <p>On a timestamp column: {@code getTimestamp}, {@code getObject} (a {@link Timestamp}) and
 * {@code getObject(col, type)} for {@link Timestamp}, {@link Instant}, {@link OffsetDateTime},
 * {@link ZonedDateTime} (zoned columns, in the column's zone) and {@link LocalDateTime} (the wall
 * clock; for zoned columns in the column's zone).
 */
final class LibraJdbcProxies {
  private LibraJdbcProxies() {}

  static Connection connection(Connection delegate) {
    return proxy(Connection.class, delegate, (self, m, args) -> {
      Object r = invoke(delegate, m, args);
      if (r instanceof CallableStatement s) {
        return statement(CallableStatement.class, s, self);
      }
      if (r instanceof PreparedStatement s) {
        return statement(PreparedStatement.class, s, self);
      }
      if (r instanceof Statement s) {
        return statement(Statement.class, s, self);
      }
      return r;
    });
  }

  private static <S extends Statement> S statement(Class<S> type, S delegate, Object connection) {
    return proxy(type, delegate, (self, m, args) -> {
      if (m.getName().equals("getConnection") && m.getParameterCount() == 0) {
        return connection;
      }
      Object r = invoke(delegate, m, args);
      return r instanceof ResultSet rs ? resultSet(rs, self) : r;
    });
  }

  static ResultSet resultSet(ResultSet delegate, Object statement) {
    TimestampColumns[] columns = new TimestampColumns[1];
    boolean[] read = new boolean[1];
    return proxy(ResultSet.class, delegate, (self, m, args) -> {
      String name = m.getName();
      if (name.equals("getStatement") && m.getParameterCount() == 0) {
        return statement;
      }
      boolean timestampGetter = (name.equals("getTimestamp") || name.equals("getObject"))
          && args != null && args.length >= 1;
      if (timestampGetter) {
        if (!read[0]) {
          columns[0] = TimestampColumns.of(delegate);
          read[0] = true;
        }
        TimestampColumns ts = columns[0];
        if (ts != null) {
          int column = args[0] instanceof String label ? delegate.findColumn(label)
              : (Integer) args[0];
          if (ts.isTimestamp(column)) {
            return timestampValue(ts, delegate, column, name, args);
          }
        }
      }
      return invoke(delegate, m, args);
    });
  }

  private static Object timestampValue(TimestampColumns ts, ResultSet delegate, int column,
      String method, Object[] args) throws Exception {
    if (method.equals("getTimestamp")) {
      return ts.timestamp(delegate, column, args.length > 1 ? (Calendar) args[1] : null);
    }
    if (args.length == 1 || args[1] instanceof java.util.Map) {
      return ts.timestamp(delegate, column, null);
    }
    Class<?> type = (Class<?>) args[1];
    ZoneId zone = ts.zone(column);
    LocalDateTime wall = ts.wallClock(delegate, column);
    if (wall == null) {
      return null;
    }
    if (type == LocalDateTime.class) {
      return type.cast(wall);
    }
    if (type == Timestamp.class) {
      return type.cast(ts.timestamp(delegate, column, null));
    }
    if (zone == null) {
      throw new java.sql.SQLDataException("column " + column + " is a TIMESTAMP without time"
          + " zone (Spark timestamp_ntz): read it as LocalDateTime or Timestamp, not "
          + type.getSimpleName());
    }
    ZonedDateTime zoned = wall.atZone(zone);
    if (type == ZonedDateTime.class) {
      return type.cast(zoned);
    }
    if (type == OffsetDateTime.class) {
      return type.cast(zoned.toOffsetDateTime());
    }
    if (type == Instant.class) {
      return type.cast(zoned.toInstant());
    }
    return delegate.getObject(column, type);
  }

  @FunctionalInterface
  private interface Handler {
    Object handle(Object self, Method m, Object[] args) throws Throwable;
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, T delegate, Handler handler) {
    InvocationHandler h = (self, m, args) -> {
      String name = m.getName();
      if (name.equals("unwrap") && args.length == 1) {
        Class<?> wanted = (Class<?>) args[0];
        return wanted.isInstance(self) && !wanted.isInstance(delegate) ? self
            : invoke(delegate, m, args);
      }
      if (name.equals("isWrapperFor") && args.length == 1) {
        return ((Class<?>) args[0]).isInstance(delegate) || (boolean) invoke(delegate, m, args);
      }
      if (name.equals("equals") && args != null && args.length == 1) {
        return self == args[0];
      }
      if (name.equals("hashCode") && args == null) {
        return System.identityHashCode(self);
      }
      if (name.equals("toString") && args == null) {
        return "Libra" + type.getSimpleName() + "[" + delegate + "]";
      }
      return handler.handle(self, m, args);
    };
    return (T) Proxy.newProxyInstance(LibraJdbcProxies.class.getClassLoader(),
        new Class<?>[] {type}, h);
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
