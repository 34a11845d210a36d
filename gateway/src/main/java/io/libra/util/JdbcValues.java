package io.libra.util;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Nullable values of Libra's own Derby tables (job registry, statement history): times stored as
 * epoch milliseconds ({@code BIGINT}), numbers that may be absent.
 */
public final class JdbcValues {
  private JdbcValues() {}

  /** Binds {@code t} as epoch milliseconds, or SQL NULL. */
  public static void setMillis(PreparedStatement p, int index, Instant t) throws SQLException {
    if (t == null) {
      p.setNull(index, Types.BIGINT);
    } else {
      p.setLong(index, t.toEpochMilli());
    }
  }

  /** Binds {@code v}, or SQL NULL. */
  public static void setLong(PreparedStatement p, int index, Long v) throws SQLException {
    if (v == null) {
      p.setNull(index, Types.BIGINT);
    } else {
      p.setLong(index, v);
    }
  }

  /** The epoch-milliseconds column as an instant, or null. */
  public static Instant millis(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  /** The BIGINT column, or null. */
  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
