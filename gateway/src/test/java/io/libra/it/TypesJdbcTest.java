package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every basic Spark type, and NULL in each, round-trips with exact values through JDBC. */
class TypesJdbcTest {
  private static final String ROW = "SELECT CAST(true AS BOOLEAN) bo, CAST(-7 AS TINYINT) ti,"
      + " CAST(-300 AS SMALLINT) sm, CAST(2147483647 AS INT) i, CAST(-9223372036854775808 AS BIGINT) bi,"
      + " CAST(1.5 AS FLOAT) f, CAST(-2.25e300 AS DOUBLE) d,"
      + " CAST('12345678901234567890123456789012.3456' AS DECIMAL(38,4)) dec,"
      + " 'Grüße, 世界 🚀' str, X'CAFEBABE' bin, DATE'2024-02-29' dt,"
      + " TIMESTAMP'2024-02-29 12:34:56.123456' ts, TIMESTAMP_NTZ'2024-02-29 12:34:56.123456' ntz";
  private static final String NULLS = "SELECT CAST(NULL AS BOOLEAN), CAST(NULL AS TINYINT),"
      + " CAST(NULL AS SMALLINT), CAST(NULL AS INT), CAST(NULL AS BIGINT), CAST(NULL AS FLOAT),"
      + " CAST(NULL AS DOUBLE), CAST(NULL AS DECIMAL(38,4)), CAST(NULL AS STRING),"
      + " CAST(NULL AS BINARY), CAST(NULL AS DATE), CAST(NULL AS TIMESTAMP),"
      + " CAST(NULL AS TIMESTAMP_NTZ)";

  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    connection = TestGateway.get().connect();
  }

  @AfterAll
  static void stop() throws Exception {
    connection.close();
    TestGateway.get().assertAllocatorReleased();
  }

  @Test
  void valuesRoundTripExactly() throws Exception {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(ROW)) {
      assertTrue(rs.next());
      assertTrue(rs.getBoolean("bo"));
      assertEquals((byte) -7, rs.getByte("ti"));
      assertEquals((short) -300, rs.getShort("sm"));
      assertEquals(Integer.MAX_VALUE, rs.getInt("i"));
      assertEquals(Long.MIN_VALUE, rs.getLong("bi"));
      assertEquals(1.5f, rs.getFloat("f"));
      assertEquals(-2.25e300, rs.getDouble("d"));
      assertEquals(new BigDecimal("12345678901234567890123456789012.3456"),
          rs.getBigDecimal("dec"));
      assertEquals("Grüße, 世界 🚀", rs.getString("str"));
      assertArrayEquals(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE},
          rs.getBytes("bin"));
      assertEquals(LocalDate.of(2024, 2, 29), rs.getDate("dt").toLocalDate());
      // Session time zone is UTC: the instant is 12:34:56.123456Z.
      assertEquals(Instant.parse("2024-02-29T12:34:56.123456Z"),
          rs.getTimestamp("ts").toInstant());
      // timestamp_ntz carries no zone: the wall-clock value comes back unchanged.
      assertEquals(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_000),
          rs.getTimestamp("ntz").toLocalDateTime());
      assertFalse(rs.next());
    }
  }

  @Test
  void nullsInEveryType() throws Exception {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(NULLS)) {
      assertTrue(rs.next());
      int columns = rs.getMetaData().getColumnCount();
      assertEquals(13, columns);
      for (int i = 1; i <= columns; i++) {
        // getString, not getObject: driver 18.3.0 throws on getObject of zoned timestamps.
        assertNull(rs.getString(i), "column " + i);
        assertTrue(rs.wasNull(), "column " + i);
        if (i != 12) {
          assertNull(rs.getObject(i), "column " + i);
        }
      }
    }
  }

  @Test
  void arrowTypesAreTheDocumentedOnes() throws Exception {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(ROW)) {
      var md = rs.getMetaData();
      assertEquals(java.sql.Types.BOOLEAN, md.getColumnType(1));
      assertEquals(java.sql.Types.TINYINT, md.getColumnType(2));
      assertEquals(java.sql.Types.SMALLINT, md.getColumnType(3));
      assertEquals(java.sql.Types.INTEGER, md.getColumnType(4));
      assertEquals(java.sql.Types.BIGINT, md.getColumnType(5));
      assertEquals(java.sql.Types.FLOAT, md.getColumnType(6));
      assertEquals(java.sql.Types.DOUBLE, md.getColumnType(7));
      assertEquals(java.sql.Types.DECIMAL, md.getColumnType(8));
      assertEquals(38, md.getPrecision(8));
      assertEquals(4, md.getScale(8));
      assertEquals(java.sql.Types.VARCHAR, md.getColumnType(9));
      assertEquals(java.sql.Types.VARBINARY, md.getColumnType(10));
      assertEquals(java.sql.Types.DATE, md.getColumnType(11));
      assertEquals(java.sql.Types.TIMESTAMP_WITH_TIMEZONE, md.getColumnType(12));
      assertEquals(java.sql.Types.TIMESTAMP, md.getColumnType(13));
    }
  }
}
