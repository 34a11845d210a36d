package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every Spark type, a value and NULL, read through Libra's JDBC driver jar (18.1.0 Arrow driver
 * inside, loaded alone in its own class loader) in a client JVM zone (Asia/Tokyo) other than the
 * session's (UTC, then America/New_York), equals what Spark returns in-process for the same
 * query in the same session time zone. Needs the driver jar ({@code mvn package}).
 */
class JdbcValuesMatchSparkTest {
  static final String VALUES = "SELECT CAST(true AS BOOLEAN) bo, CAST(-7 AS TINYINT) ti,"
      + " CAST(-300 AS SMALLINT) sm, 2147483647 i, CAST(-9223372036854775808 AS BIGINT) bi,"
      + " CAST(1.5 AS FLOAT) f, CAST(-2.25e300 AS DOUBLE) d,"
      + " CAST('12345678901234567890123456789012.3456' AS DECIMAL(38,4)) dec,"
      + " CAST(-0.01 AS DECIMAL(5,2)) dec_small, 'Grüße, 世界 🚀' str, CAST('x' AS CHAR(3)) ch,"
      + " CAST('yz' AS VARCHAR(5)) vc, X'CAFEBABE' bin, DATE'2024-02-29' dt,"
      + " DATE'1969-12-31' dt_old, TIMESTAMP'2024-02-29 12:34:56.123456' ts,"
      + " TIMESTAMP'1965-07-04 23:59:59.5' ts_old, TIMESTAMP_NTZ'2024-02-29 12:34:56.123456' ntz,"
      + " INTERVAL '1-2' YEAR TO MONTH ym, INTERVAL '-3 04:05:06.789' DAY TO SECOND dts,"
      + " array(1, 2, NULL) arr, array('a', NULL) arr_s, array(array(1), array()) arr_arr,"
      + " map('a', 1, 'b', NULL) m, map(1, array('p')) m_arr,"
      + " named_struct('x', 1, 'y', named_struct('z', 'q', 'w', CAST(NULL AS INT))) st,"
      + " array(named_struct('k', 2.5D, 'd', DATE'2020-01-01')) arr_st";
  static final String NULLS = "SELECT CAST(NULL AS BOOLEAN) bo, CAST(NULL AS TINYINT) ti,"
      + " CAST(NULL AS SMALLINT) sm, CAST(NULL AS INT) i, CAST(NULL AS BIGINT) bi,"
      + " CAST(NULL AS FLOAT) f, CAST(NULL AS DOUBLE) d, CAST(NULL AS DECIMAL(38,4)) dec,"
      + " CAST(NULL AS STRING) str, CAST(NULL AS BINARY) bin, CAST(NULL AS DATE) dt,"
      + " CAST(NULL AS TIMESTAMP) ts, CAST(NULL AS TIMESTAMP_NTZ) ntz,"
      + " CAST(NULL AS INTERVAL YEAR TO MONTH) ym, CAST(NULL AS INTERVAL DAY TO SECOND) dts,"
      + " CAST(NULL AS ARRAY<INT>) arr, CAST(NULL AS MAP<STRING,INT>) m,"
      + " CAST(NULL AS STRUCT<a:INT>) st";

  @Test
  void everyTypeMatchesSparkWithTheClientInAnotherZone() throws Exception {
    Path jar = driverJar();
    TestGateway gateway = TestGateway.get();
    for (String sessionZone : List.of("UTC", "America/New_York")) {
      for (String sql : List.of(VALUES, NULLS)) {
        SparkSession spark = gateway.spark.newSession();
        spark.conf().set("spark.sql.session.timeZone", sessionZone);
        var dataset = spark.sql(sql);
        StructType schema = dataset.schema();
        List<String> expected = sparkValues(dataset.collectAsList().get(0), schema);
        List<String> actual = jdbcValues(jar, gateway.server.port(), sessionZone, sql, schema);
        for (int i = 0; i < expected.size(); i++) {
          assertEquals(expected.get(i), actual.get(i), "column " + schema.fields()[i].name()
              + " (" + schema.fields()[i].dataType().sql() + ") in session zone " + sessionZone);
        }
        assertEquals(expected.size(), actual.size());
      }
    }
  }

  private static List<String> sparkValues(Row row, StructType schema) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < schema.size(); i++) {
      out.add(NestedValues.spark(row.get(i), schema.fields()[i].dataType()));
    }
    return out;
  }

  /** Reads the row with the driver jar in its own class loader, the JVM zone set to Tokyo. */
  private static List<String> jdbcValues(Path jar, int port, String sessionZone, String sql,
      StructType schema) throws Exception {
    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Driver driver = (Driver) loader.loadClass("io.libra.jdbc.LibraDriver")
          .getDeclaredConstructor().newInstance();
      try (Connection c = driver.connect("jdbc:libra://127.0.0.1:" + port, new Properties());
           Statement s = c.createStatement()) {
        s.execute("SET TIME ZONE '" + sessionZone + "'");
        try (ResultSet rs = s.executeQuery(sql)) {
          List<String> out = new ArrayList<>();
          rs.next();
          for (int i = 0; i < schema.size(); i++) {
            out.add(NestedValues.jdbc(rs, i + 1, schema.fields()[i].dataType()));
          }
          return out;
        }
      }
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  static Path driverJar() throws Exception {
    Path target = TestGateway.home().resolve("jdbc-driver/target");
    Optional<Path> jar = Files.isDirectory(target) ? Files.list(target)
        .filter(p -> p.getFileName().toString().matches("libra-jdbc-driver-.*\\.jar"))
        .findFirst() : Optional.empty();
    Assumptions.assumeTrue(jar.isPresent(), "build the driver jar first (mvn package)");
    return jar.get();
  }
}
