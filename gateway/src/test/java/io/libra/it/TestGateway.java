package io.libra.it;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import io.libra.tpch.TpchLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.classic.SparkSession;

/**
 * One gateway per test JVM: a {@code local[2]} Spark driver with TPC-H scale 0.01 and a Flight SQL
 * server on 127.0.0.1, port 0. Test classes share it (starting Spark costs seconds).
 */
public final class TestGateway {
  private static TestGateway instance;

  public final SparkSession spark;
  public final LibraServer server;
  /** Its work directory; jobs may use files under {@code apps/} of it. */
  public final Path workDir;

  private TestGateway(SparkSession spark, LibraServer server, Path workDir) {
    this.spark = spark;
    this.server = server;
    this.workDir = workDir;
  }

  public static synchronized TestGateway get() throws Exception {
    if (instance == null) {
      Path work = Files.createTempDirectory("libra-test-");
      Map<String, String> sparkConf = new LinkedHashMap<>();
      sparkConf.put("spark.master", "local[2]");
      sparkConf.put("spark.ui.enabled", "false");
      sparkConf.put("spark.sql.catalogImplementation", "in-memory");
      sparkConf.put("spark.sql.shuffle.partitions", "4");
      sparkConf.put("spark.sql.session.timeZone", "UTC");
      sparkConf.put("spark.scheduler.mode", "FAIR");
      // The tests sleep inside queries with java_method: only TRANSFORM stays denied.
      sparkConf.put(io.libra.engine.SqlGuard.CONF, "transform");
      sparkConf.put("spark.scheduler.allocation.file", home().resolve("conf/fairscheduler.xml")
          .toString());
      SparkEngine engine = SparkEngine.start(sparkConf, work, true);
      TpchLoader.load(engine.rootSession(), 0.01);
      LibraConfig config = LibraConfig.load(work, work.resolve("no-conf"), Map.of(),
          Map.of("libra.server.port", "0", "libra.work-dir", work.toString(),
              // The tests sleep inside queries with java_method: only TRANSFORM stays denied.
              "libra.sql.denied-functions", "transform",
              // Small ingest chunks, so BulkIngestTest sees an upload staged in many writes.
              "libra.ingest.chunk-bytes", "262144",
              "libra.jobs.allowed-dirs", work.resolve("apps").toString(),
              "libra.jobs.in-process.enabled", "true",
              // PollFlightInfoTest abandons a polled statement and waits for its lease to end.
              "libra.statement.poll-lease-seconds", "4"));
      LibraServer server = LibraServer.start(config, engine.rootSession());
      instance = new TestGateway(engine.rootSession(), server, work);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (Exception e) {
          e.printStackTrace();
        }
      }));
    }
    return instance;
  }

  /** The repository root (surefire passes it as {@code libra.home}). */
  public static Path home() {
    return Path.of(System.getProperty("libra.home", "..")).toAbsolutePath().normalize();
  }

  public String jdbcUrl() {
    return "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=false";
  }

  /** Waits (bounded) until the server has released every Arrow buffer, then asserts it. */
  public void assertAllocatorReleased() throws InterruptedException {
    awaitAllocatorReleased(server);
  }

  /** Waits up to 10 s for {@code server}'s Arrow memory to be back at zero, and asserts it. */
  public static void awaitAllocatorReleased(LibraServer server) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (server.allocatedBytes() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    org.junit.jupiter.api.Assertions.assertEquals(0, server.allocatedBytes(),
        "bytes still allocated by the server");
  }

  public Connection connect() throws Exception {
    return DriverManager.getConnection(jdbcUrl());
  }

  /** Waits (bounded) until no Libra result block is stored anywhere, and asserts it. */
  public static void assertNoResultBlocks(org.apache.spark.SparkContext sc)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    scala.collection.immutable.Seq<org.apache.spark.storage.BlockId> left;
    do {
      left = sc.env().blockManager().master().getMatchingBlockIds(
          new scala.runtime.AbstractFunction1<org.apache.spark.storage.BlockId, Object>() {
            @Override
            public Object apply(org.apache.spark.storage.BlockId id) {
              return id.name().startsWith("test_libra_");
            }
          }, true);
      if (!left.isEmpty()) {
        Thread.sleep(50);
      }
    } while (!left.isEmpty() && System.nanoTime() < deadline);
    org.junit.jupiter.api.Assertions.assertTrue(left.isEmpty(),
        "result blocks left in the BlockManager: " + left);
  }
}
