package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gateway as the driver of a real Spark standalone cluster: Master and one Worker on 127.0.0.1
 * (2 cores, one 1 GiB executor) run from the gateway's own Spark jars, the gateway in its own JVM
 * through the command line with {@code spark.master=spark://…}. The executors' classpath holds the
 * gateway's dependencies but no Libra class, so every query that works also proves the gateway
 * shipped its own code (TPC-H generator, Arrow conversion) to them.
 */
class StandaloneClusterTest {
  private static final Pattern SPARK_UI = Pattern.compile("Spark UI (http://[^)\\s]+)\\)");
  private static final Pattern EXECUTOR_ID = Pattern.compile("--executor-id (\\S+)");
  private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

  @Test
  void tpchQ1AndLargeFetchRunInExecutorJvms() throws Exception {
    long t0 = System.nanoTime();
    try (StandaloneCluster cluster = StandaloneCluster.start(sparkJars(), 2, "2g")) {
      System.out.printf("standalone cluster %s ready in %d ms%n", cluster.masterUrl, ms(t0));
      Path work = Files.createTempDirectory("libra-cluster-");
      GatewayProcess g = GatewayProcess.start(work, "spark.master=" + cluster.masterUrl,
          "spark.executor.memory=1g", "spark.executor.cores=2", "spark.cores.max=2",
          "spark.sql.shuffle.partitions=4", "spark.ui.enabled=true", "spark.ui.port=0",
          // This test is about where tasks run; RestartPersistenceTest covers the Hive catalog.
          "spark.sql.catalogImplementation=in-memory",
          "libra.sample-data.tpch-scale=0.01",
          // The executor-identity query below calls reflect().
          "libra.sql.denied-functions=");
      try (g) {
        System.out.printf("gateway with TPC-H 0.01 loaded on the cluster ready in %d ms%n",
            g.readyMillis);
        g.startLog.lines().filter(l -> l.matches(".* (SparkEngine|TpchLoader|LibraMain): .*"))
            .forEach(l -> System.out.println("  gateway: " + l));
        String appId = runningApp(cluster);
        try (Connection c = DriverManager.getConnection(g.jdbcUrl())) {
          long t = System.nanoTime();
          assertQ1(c);
          System.out.printf("TPC-H Q1 on the cluster: %d ms%n", ms(t));
          t = System.nanoTime();
          assertLargeFetch(c, 2_000_000);
          System.out.printf("2,000,000 rows fetched through JDBC: %d ms%n", ms(t));
          t = System.nanoTime();
          Set<String> ids = executorIdsThatRanTasks(c);
          assertEquals(workerExecutorIds(cluster, appId), ids,
              "executor ids seen by the tasks vs the Worker's executors for " + appId);
          System.out.printf("tasks ran in executors %s: %d ms%n", ids, ms(t));
        }
        assertDriverRanNoTask(cluster, g, appId);
      }
    }
    System.out.printf("StandaloneClusterTest: %d ms in all%n", ms(t0));
  }

  /** Spark's runtime jars: the list Maven wrote for this build (the jars of gateway/target/lib). */
  static List<Path> sparkJars() throws Exception {
    Path list = TestGateway.home().resolve("gateway/target/runtime-classpath.txt");
    List<Path> jars = new ArrayList<>();
    for (String entry : Files.readString(list).trim().split(java.io.File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        jars.add(Path.of(entry));
      }
    }
    assertTrue(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("spark-core_")),
        "no spark-core jar in " + list);
    // Libra's own code must reach the executors only through spark.jars.
    assertEquals(List.of(), jars.stream()
        .filter(j -> j.getFileName().toString().startsWith("libra-")).toList());
    return jars;
  }

  /** The one application the Master runs: the gateway's, with the Worker's 2 cores. */
  private static String runningApp(StandaloneCluster cluster) throws Exception {
    JsonNode apps = cluster.masterJson().path("activeapps");
    assertEquals(1, apps.size(), apps.toString());
    assertEquals("Libra", apps.get(0).path("name").asText());
    assertEquals(2, apps.get(0).path("cores").asInt(), apps.toString());
    return apps.get(0).path("id").asText();
  }

  /**
   * TPC-H Q1 at scale 0.01 (dbgen data, {@code Values} notation): what Spark in-process returns for
   * the same generated tables ({@code TpchQueriesJdbcTest} checks every query against Spark live).
   */
  private static final List<List<String>> Q1_SF001 = List.of(
      List.of("str:A", "str:F", "dec:380456.00", "dec:532348211.65", "dec:505822441.4861",
          "dec:526165934.000839", "dec:25.575155", "dec:35785.709307", "dec:0.050081", "int:14876"),
      List.of("str:N", "str:F", "dec:8971.00", "dec:12384801.37", "dec:11798257.2080",
          "dec:12282485.056933", "dec:25.778736", "dec:35588.509684", "dec:0.047759", "int:348"),
      List.of("str:N", "str:O", "dec:742802.00", "dec:1041502841.45", "dec:989737518.6346",
          "dec:1029418531.523350", "dec:25.454988", "dec:35691.129209", "dec:0.049931",
          "int:29181"),
      List.of("str:R", "str:F", "dec:381449.00", "dec:534594445.35", "dec:507996454.4067",
          "dec:528524219.358903", "dec:25.597168", "dec:35874.006533", "dec:0.049828",
          "int:14902"));

  private static void assertQ1(Connection c) throws Exception {
    String q1 = new String(StandaloneClusterTest.class.getResourceAsStream("/tpch/q1.sql")
        .readAllBytes(), StandardCharsets.UTF_8);
    try (Statement s = c.createStatement()) {
      s.execute("USE tpch");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM lineitem")) {
        assertTrue(rs.next());
        assertEquals(60175L, rs.getLong(1), "lineitem rows at scale 0.01");
      }
      try (ResultSet rs = s.executeQuery(q1)) {
        assertEquals(Q1_SF001, Values.jdbcRows(rs), "TPC-H Q1 on the cluster");
      }
    }
  }

  /** Reads every row of a {@code rows}-row result; each value is checked against its row number. */
  private static void assertLargeFetch(Connection c, long rows) throws Exception {
    long n = 0;
    long sumD = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT id, id * 2 AS d, CAST(id AS STRING) s FROM range(" + rows + ")")) {
      while (rs.next()) {
        long id = rs.getLong(1);
        assertEquals(n, id, "row order");
        sumD += rs.getLong(2);
        if (!Long.toString(id).equals(rs.getString(3))) {
          assertEquals(Long.toString(id), rs.getString(3), "s of row " + n);
        }
        n++;
      }
    }
    assertEquals(rows, n);
    assertEquals(rows * (rows - 1), sumD, "sum of d = 2 * sum of 0..rows-1");
  }

  /**
   * Asks every task which JVM it runs in: {@code sun.java.command} of an executor is
   * {@code CoarseGrainedExecutorBackend … --executor-id N …}; in local mode it would be the
   * gateway's own {@code LibraMain run}.
   */
  private static Set<String> executorIdsThatRanTasks(Connection c) throws Exception {
    Set<String> ids = new TreeSet<>();
    long rows = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT reflect('java.lang.System', 'getProperty', 'sun.java.command') AS jvm, count(*)"
            + " FROM range(0, 1000000, 1, 8) GROUP BY 1")) {
      while (rs.next()) {
        String jvm = rs.getString(1);
        assertTrue(jvm.startsWith(EXECUTOR_MAIN), "a task ran outside an executor: " + jvm);
        Matcher m = EXECUTOR_ID.matcher(jvm);
        assertTrue(m.find(), jvm);
        ids.add(m.group(1));
        rows += rs.getLong(2);
      }
    }
    assertEquals(1_000_000L, rows);
    assertFalse(ids.isEmpty());
    return ids;
  }

  /** Ids of the executors the Worker runs for {@code appId} (its {@code /json/} page). */
  private static Set<String> workerExecutorIds(StandaloneCluster cluster, String appId)
      throws Exception {
    Set<String> ids = new TreeSet<>();
    for (JsonNode w : cluster.masterJson().path("workers")) {
      for (JsonNode e : cluster.getJson(w.path("webuiaddress").asText() + "/json/")
          .path("executors")) {
        if (appId.equals(e.path("appid").asText())) {
          ids.add(e.path("id").asText());
        }
      }
    }
    return ids;
  }

  /**
   * The driver's REST API ({@code /api/v1/applications/<id>/executors}): the gateway JVM (executor
   * "driver") ran no task, the cluster's executors ran all of them (TPC-H load, Q1, fetch) and none
   * failed.
   */
  private static void assertDriverRanNoTask(StandaloneCluster cluster, GatewayProcess g,
      String appId) throws Exception {
    Matcher ui = SPARK_UI.matcher(g.startLog);
    assertTrue(ui.find(), "no Spark UI address in the gateway's log");
    JsonNode executors = cluster.getJson(
        ui.group(1) + "/api/v1/applications/" + appId + "/executors");
    long driverTasks = -1;
    long executorTasks = 0;
    for (JsonNode e : executors) {
      if ("driver".equals(e.path("id").asText())) {
        driverTasks = e.path("totalTasks").asLong();
      } else {
        executorTasks += e.path("completedTasks").asLong();
        assertEquals(0, e.path("failedTasks").asLong(), e.toString());
      }
    }
    assertEquals(0, driverTasks, executors.toString());
    assertTrue(executorTasks >= 10, "tasks completed by executors: " + executorTasks);
    System.out.printf("tasks: driver 0, executors %d%n", executorTasks);
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
