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
import org.apache.arrow.driver.jdbc.LibraConnectionThreads;
import org.apache.arrow.driver.jdbc.LibraFlightMeta;

/**
 * Wraps the Arrow driver's Connection and Statements (dynamic proxies) so that their result sets
 * are {@link LibraResultSet}s and {@code getConnection}/{@code getStatement} return the wrappers;
 * a plain statement's {@code executeQuery(String)} runs as a statement query
 * ({@link LibraFlightMeta#statementQuery}); closing the connection also stops the Arrow driver's
 * stream-reading threads ({@link LibraConnectionThreads}); a statement's query timeout
 * ({@code setQueryTimeout(n)}) becomes the server's statement timeout for it ({@link QueryTimeouts}),
 * so the server cancels the statement and its Spark jobs after n seconds; every other call goes to
 * the Arrow driver unchanged.
 * {@code unwrap} still reaches the Arrow driver's objects.
 */
final class LibraJdbcProxies {
  private LibraJdbcProxies() {}

  static Connection connection(Connection delegate) {
    QueryTimeouts timeouts = new QueryTimeouts(delegate);
    return proxy(Connection.class, delegate, (self, m, args) -> {
      if (m.getName().equals("close") && m.getParameterCount() == 0) {
        try {
          return invoke(delegate, m, args);
        } finally {
          // Arrow's close skips this when it throws (closed mid-stream, or after a timeout or
          // cancel), and the pool's non-daemon thread then keeps the client JVM alive.
          LibraConnectionThreads.shutDown(delegate);
        }
      }
      Object r = invoke(delegate, m, args);
      if (r instanceof CallableStatement s) {
        return statement(CallableStatement.class, s, self, timeouts);
      }
      if (r instanceof PreparedStatement s) {
        return statement(PreparedStatement.class, s, self, timeouts);
      }
      if (r instanceof Statement s) {
        return statement(Statement.class, s, self, timeouts);
      }
      return r;
    });
  }

  private static <S extends Statement> S statement(Class<S> type, S delegate, Object connection,
      QueryTimeouts timeouts) {
    // The wrapper of the Arrow result set returned last, so that getResultSet() returns the very
    // object executeQuery did (JDBC callers compare them).
    ResultSet[] last = new ResultSet[2]; // {Arrow's, Libra's}
    LibraFlightMeta.Polling polling = new LibraFlightMeta.Polling();
    return proxy(type, delegate, (self, m, args) -> {
      if (m.getName().equals("getConnection") && m.getParameterCount() == 0) {
        return connection;
      }
      if (m.getDeclaringClass() == LibraStatement.class) { // executeQuery(sql, onProgress)
        if (type != Statement.class) {
          throw new java.sql.SQLFeatureNotSupportedException("executeQuery(String, DoubleConsumer)"
              + " runs on a plain Statement, not a prepared one");
        }
        timeouts.apply(delegate.getQueryTimeout());
        Method plain = Statement.class.getMethod("executeQuery", String.class);
        Object r = polledQuery(delegate, plain, new Object[] {args[0]}, polling,
            (java.util.function.DoubleConsumer) args[1]);
        ResultSet rs = (ResultSet) r;
        last[0] = rs;
        last[1] = new LibraResultSet(rs, (Statement) self);
        return last[1];
      }
      if (m.getName().equals("cancel") && m.getParameterCount() == 0 && polling.cancel()) {
        return null; // the query being polled was cancelled on the server
      }
      if (m.getName().startsWith("execute")) {
        timeouts.apply(delegate.getQueryTimeout());
      }
      Object r = type == Statement.class && m.getName().equals("executeQuery")
          ? statementQuery(delegate, m, args) : invoke(delegate, m, args);
      if (!(r instanceof ResultSet rs)) {
        return r;
      }
      if (rs != last[0]) {
        last[0] = rs;
        last[1] = new LibraResultSet(rs, (Statement) self);
      }
      return last[1];
    });
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
        return ((Class<?>) args[0]).isInstance(self) || (boolean) invoke(delegate, m, args);
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
    Class<?>[] types = Statement.class.isAssignableFrom(type)
        ? new Class<?>[] {type, LibraStatement.class} : new Class<?>[] {type};
    return (T) Proxy.newProxyInstance(LibraJdbcProxies.class.getClassLoader(), types, h);
  }

  private static Object statementQuery(Object target, Method m, Object[] args) throws Throwable {
    try {
      return LibraFlightMeta.statementQuery(() -> m.invoke(target, args));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Object polledQuery(Object target, Method m, Object[] args,
      LibraFlightMeta.Polling polling, java.util.function.DoubleConsumer onProgress)
      throws Throwable {
    try {
      return LibraFlightMeta.polledQuery(polling, onProgress, () -> m.invoke(target, args));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
