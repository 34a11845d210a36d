package io.libra.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraConfigTest {
  @TempDir Path dir;

  @Test
  void fileThenEnvironmentThenCommandLine() throws Exception {
    Files.writeString(dir.resolve("libra.properties"),
        "libra.server.port=1111\nlibra.server.host=0.0.0.0\nlibra.work-dir=w\n");
    LibraConfig c = LibraConfig.load(dir, dir, Map.of("LIBRA_SERVER_PORT", "2222"),
        Map.of("libra.server.host", "127.0.0.2"));
    assertEquals(2222, c.get(LibraConfig.SERVER_PORT));
    assertEquals("127.0.0.2", c.get(LibraConfig.SERVER_HOST));
    assertEquals(dir.resolve("w").toAbsolutePath().normalize(), c.workDir());
    assertEquals(65_536, c.get(LibraConfig.MAX_RECORDS_PER_BATCH));
  }

  @Test
  void byteSizesTakeSparksUnits() throws Exception {
    LibraConfig c = LibraConfig.load(dir, dir, Map.of("LIBRA_RESULTS_MAX_SPILL_BYTES", "2g"),
        Map.of("libra.results.bytes-per-endpoint", "4m", "libra.ingest.chunk-bytes", "65536"));
    assertEquals(2L << 30, c.get(LibraConfig.MAX_SPILL_BYTES));
    assertEquals(4L << 20, c.get(LibraConfig.BYTES_PER_ENDPOINT));
    assertEquals(65536L, c.get(LibraConfig.INGEST_CHUNK_BYTES));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LibraConfig.load(dir, dir, Map.of(), Map.of("libra.results.bytes-per-endpoint",
            "4 megs")));
    assertTrue(e.getMessage().contains("e.g. 4194304, 64k, 4m or 1g"), e.getMessage());
  }

  @Test
  void unknownKeyNamesFileAndKey() throws Exception {
    Files.writeString(dir.resolve("libra.properties"), "libra.server.prot=1\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LibraConfig.load(dir, dir, Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("libra.properties"), e.getMessage());
    assertTrue(e.getMessage().contains("'libra.server.prot'"), e.getMessage());
  }

  @Test
  void malformedValueNamesSourceKeyAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LibraConfig.load(dir, dir, Map.of("LIBRA_SERVER_PORT", "http"), Map.of()));
    assertTrue(e.getMessage().contains("LIBRA_SERVER_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("'http'"), e.getMessage());
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> LibraConfig.load(dir, dir, Map.of(), Map.of("libra.server.port", "70000")));
    assertTrue(range.getMessage().contains("between 0 and 65535"), range.getMessage());
  }

  @Test
  void sparkDefaultsRejectNonSparkKeysAndSubstituteDirectories() throws Exception {
    Path file = dir.resolve("spark-defaults.conf");
    Files.writeString(file, "spark.master  local[3]\n"
        + "spark.scheduler.allocation.file ${LIBRA_CONF_DIR}/fairscheduler.xml\n");
    Map<String, String> conf = SparkDefaults.load(file, dir, dir.resolve("work"),
        Map.of("spark.sql.shuffle.partitions", "8"));
    assertEquals("local[3]", conf.get("spark.master"));
    assertEquals(dir.toAbsolutePath().normalize() + "/fairscheduler.xml",
        conf.get("spark.scheduler.allocation.file"));
    assertEquals("8", conf.get("spark.sql.shuffle.partitions"));
    Files.writeString(file, "spark.master local[1]\nmaster local[2]\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkDefaults.load(file, dir, dir, Map.of()));
    assertTrue(e.getMessage().contains("spark-defaults.conf") && e.getMessage().contains("'master'"),
        e.getMessage());
  }
}
