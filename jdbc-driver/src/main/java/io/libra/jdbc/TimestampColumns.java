package io.libra.jdbc;

import java.lang.reflect.Field;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Correct timestamp values for one result set of the Arrow Flight SQL JDBC driver.
 *
 * <p>The Arrow driver (18.1.0) shifts timestamps by the client JVM's UTC offset: {@code
 * getTimestamp()} returns {@code Timestamp.valueOf(wall − offset(JVM) + offset(zone))} where
 * {@code wall} is the value's wall clock in the Arrow field's zone. Spark's {@code timestamp}
 * arrives as an Arrow {@code timestamp(µs, <session time zone>)} (an instant) and {@code
 * timestamp_ntz} as {@code timestamp(µs)} with no zone (a wall clock). Asking the driver with a
 * calendar in the field's own zone cancels the shift and yields the exact wall clock, from which
 * this class builds what JDBC promises: for a zoned column the {@link Timestamp} of the instant, for
 * a zone-less one the Timestamp whose {@code toLocalDateTime()} is the wall clock.
 *
 * <p>The fields' zones are read from the driver's current Arrow schema (a package-private field of
 * its result set, read by reflection). When that is not possible the driver's own values are used.
 * Known limit: a wall clock that falls in the client JVM's daylight-saving gap, or in the field
 * zone's repeated hour, can be off by that hour.
 */
final class TimestampColumns {
  /** Arrow timestamp zone per JDBC column (index 1..n): null = not a timestamp, "" = no zone. */
  private final String[] zones;

  private TimestampColumns(String[] zones) {
    this.zones = zones;
  }

  /** Reads the Arrow schema behind {@code delegate}; null if it has no timestamp columns. */
  static TimestampColumns of(ResultSet delegate) {
    VectorSchemaRoot root = schemaRoot(delegate);
    if (root == null) {
      return null;
    }
    List<org.apache.arrow.driver.jdbc.shaded.org.apache.arrow.vector.types.pojo.Field> fields =
        root.getSchema().getFields();
    String[] zones = new String[fields.size() + 1];
    boolean any = false;
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).getType() instanceof ArrowType.Timestamp t) {
        zones[i + 1] = t.getTimezone() == null ? "" : t.getTimezone();
        any = true;
      }
    }
    return any ? new TimestampColumns(zones) : null;
  }

  private static VectorSchemaRoot schemaRoot(ResultSet delegate) {
    for (Class<?> c = delegate.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField("vectorSchemaRoot");
        f.setAccessible(true);
        Object root = f.get(delegate);
        return root instanceof VectorSchemaRoot r ? r : null;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  boolean isTimestamp(int column) {
    return column > 0 && column < zones.length && zones[column] != null;
  }

  /** The column's zone for a zoned timestamp, or null for a zone-less (wall-clock) one. */
  ZoneId zone(int column) {
    return zones[column].isEmpty() ? null : ZoneId.of(zones[column]);
  }

  /** The value's exact wall clock: in the column's zone, or the zone-less value itself. */
  LocalDateTime wallClock(ResultSet delegate, int column) throws SQLException {
    ZoneId zone = zone(column);
    Calendar own = Calendar.getInstance(TimeZone.getTimeZone(zone == null ? ZoneOffset.UTC : zone));
    Timestamp shiftedBack = delegate.getTimestamp(column, own);
    return shiftedBack == null ? null : shiftedBack.toLocalDateTime();
  }

  /**
   * {@code getTimestamp(column, calendar)}: a zoned column's instant (calendar ignored: the
   * instant is known); a zone-less column's wall clock read in {@code calendar}'s zone, or in the
   * JVM's when it is null.
   */
  Timestamp timestamp(ResultSet delegate, int column, Calendar calendar) throws SQLException {
    LocalDateTime wall = wallClock(delegate, column);
    if (wall == null) {
      return null;
    }
    ZoneId zone = zone(column);
    if (zone != null) {
      return Timestamp.from(wall.atZone(zone).toInstant());
    }
    return calendar == null ? Timestamp.valueOf(wall)
        : Timestamp.from(wall.atZone(calendar.getTimeZone().toZoneId()).toInstant());
  }
}
