package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Libra's driver reads DECIMAL, VARCHAR, DATE, BIGINT, INTEGER and DOUBLE values straight from
 * the record batch: over several batches, with NULLs and decimals too wide for a long, every
 * {@code getObject}, {@code getBigDecimal}, {@code getString} and {@code wasNull} answer equals
 * the Arrow driver's own and the expected value.
 */
class JdbcDirectValuesTest {
  private static final int ROWS = 25_003; // three partitions: at least three record batches
  private static final String SQL = "SELECT id,"
      + " CAST(id AS INT) AS i,"
      + " IF(id % 7 = 0, NULL, id * 1.5) AS d,"
      + " CAST(id AS DECIMAL(38,0)) * CAST('100000000000000000000' AS DECIMAL(38,0)) AS wide,"
      + " IF(id % 5 = 0, NULL, concat('v', CAST(id AS STRING), '\u00e9')) AS s,"
      + " id / 4D AS f,"
      + " IF(id % 3 = 0, NULL, date_add(DATE'1969-12-25', CAST(id % 20000 AS INT))) AS dt"
      + " FROM range(0, " + ROWS + ", 1, 3)";

  @Test
  void directValuesEqualTheArrowDriversOverSeveralBatches() throws Exception {
    int port = TestGateway.get().server.port();
    List<List<Object>> arrow;
    try (Connection c = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port
        + "/?useEncryption=false")) {
      arrow = read(c);
    }
    try (URLClassLoader loader = new URLClassLoader(
        new URL[] {JdbcValuesMatchSparkTest.driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Driver driver = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
          .getDeclaredConstructor().newInstance();
      List<List<Object>> libra;
      try (Connection c = driver.connect("jdbc:libra://127.0.0.1:" + port, new Properties())) {
        libra = read(c);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1.5BD")) {
          // The Arrow driver itself throws (an IndexOutOfBoundsException); no value is made up.
          assertThrows(Exception.class, () -> rs.getObject(1), "before the first row");
          rs.next();
          assertEquals(new BigDecimal("1.5"), rs.getObject(1));
          rs.close();
          assertThrows(SQLException.class, () -> rs.getObject(1), "after close");
        }
      }
      assertEquals(ROWS, libra.size());
      for (int r = 0; r < ROWS; r++) {
        assertEquals(expected(r), libra.get(r), "row " + r);
        assertEquals(arrow.get(r), libra.get(r), "row " + r + " as the Arrow driver reads it");
      }
    }
  }

  private static List<Object> expected(long id) {
    boolean dNull = id % 7 == 0;
    boolean sNull = id % 5 == 0;
    BigDecimal d = dNull ? null : new BigDecimal(BigInteger.valueOf(id * 15), 1);
    String s = sNull ? null : "v" + id + "\u00e9";
    return java.util.Arrays.asList(id, id, (int) id, false, String.valueOf(d), String.valueOf(d), dNull,
        String.valueOf(d), new BigDecimal(BigInteger.valueOf(id).multiply(BigInteger.TEN.pow(20))),
        String.valueOf(s), sNull, String.valueOf(s), id / 4d,
        id % 3 == 0 ? null
            : java.sql.Date.valueOf(java.time.LocalDate.of(1969, 12, 25).plusDays(id % 20000)),
        id % 3 == 0);
  }

  /** Per row: the values through every getter this test covers, and wasNull after each. */
  private static List<List<Object>> read(Connection c) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SQL)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        row.add(rs.getObject(1));
        row.add(rs.getObject("id"));
        row.add(rs.getObject(2));
        row.add(rs.wasNull());
        row.add(String.valueOf(rs.getObject(3)));
        row.add(String.valueOf(rs.getBigDecimal("d")));
        row.add(rs.wasNull());
        row.add(String.valueOf(rs.getString(3)));
        row.add(rs.getBigDecimal(4));
        row.add(String.valueOf(rs.getObject(5)));
        row.add(rs.wasNull());
        row.add(String.valueOf(rs.getString("s")));
        row.add(rs.getObject(6));
        row.add(rs.getObject("dt"));
        row.add(rs.wasNull());
        rows.add(row);
      }
    }
    return rows;
  }
}
