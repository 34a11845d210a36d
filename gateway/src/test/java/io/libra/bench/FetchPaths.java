package io.libra.bench;

import io.libra.config.LibraConfig;
import io.libra.results.ArrowBatchRdd;
import io.libra.results.PartitionPrefetcher;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;

/**
 * The ways a benchmark reads a query's rows from Libra, and the in-process reference: Arrow
 * conversion on the executors and ordered collection on the driver with no network — the limit of
 * this design. Every JDBC path reads every column of every row; connections are opened once.
 */
final class FetchPaths implements AutoCloseable {
  /** Median seconds of the timed runs; rows and Arrow bytes of the last run (0 when unknown). */
  record Measure(double seconds, long rows, long bytes) {}

  interface Run {
    /** @return {rows, bytes} read */
    long[] run() throws Exception;
  }

  private final SparkSession spark;
  private final int port;
  private final JdbcDrivers.Connector libraJdbc;
  private final JdbcDrivers.Connector arrowJdbc;
  private final int maxRecordsPerBatch;
  private final long maxBatchBytes;
  // Kept across runs, as an application keeps its connection (the Spark Connect client keeps its
  // session): a run measures the query, not connecting.
  private Connection libraConnection;
  private Connection arrowConnection;
  private RootAllocator flightAllocator;
  private FlightSqlClient flightClient;

  /**
   * @param config the server's settings: the in-process paths batch rows as the server does
   *     ({@code libra.results.max-records-per-batch}, {@code max-batch-bytes})
   */
  FetchPaths(SparkSession spark, int port, JdbcDrivers.Connector libraJdbc,
      JdbcDrivers.Connector arrowJdbc, LibraConfig config) {
    this.maxRecordsPerBatch = config.get(LibraConfig.MAX_RECORDS_PER_BATCH);
    this.maxBatchBytes = config.get(LibraConfig.MAX_BATCH_BYTES);
    this.spark = spark;
    this.port = port;
    this.libraJdbc = libraJdbc;
    this.arrowJdbc = arrowJdbc;
  }

  /**
   * Runs every path once as a warm-up, then {@code runs} rounds of every path in turn, so that JIT
   * compilation and heap state, which keep changing for several runs on a loaded 2-core machine,
   * weigh on every path alike (measured one path after another, the first path ran on a colder
   * JIT than the last).
   *
   * @return each path's median, in the order given
   */
  Map<String, Measure> interleaved(int runs, Map<String, Run> paths) throws Exception {
    Map<String, List<Double>> secs = new LinkedHashMap<>();
    Map<String, long[]> last = new HashMap<>();
    for (int round = -1; round < runs; round++) {
      for (Map.Entry<String, Run> p : paths.entrySet()) {
        long t0 = System.nanoTime();
        long[] read = p.getValue().run();
        if (round >= 0) {
          secs.computeIfAbsent(p.getKey(), k -> new ArrayList<>())
              .add((System.nanoTime() - t0) / 1e9);
          last.put(p.getKey(), read);
        }
      }
    }
    Map<String, Measure> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : secs.entrySet()) {
      List<Double> s = e.getValue();
      Collections.sort(s);
      long[] read = last.get(e.getKey());
      out.put(e.getKey(), new Measure(s.get(s.size() / 2), read[0], read[1]));
    }
    return out;
  }

  /**
   * In process: the Arrow batches Libra would send (its own converter, {@code ArrowBatchRdd}),
   * collected on the driver; counts bytes.
   */
  long[] inProcess(String sql) throws Exception {
    Dataset<Row> ds = spark.sql(sql);
    return collect(ArrowBatchRdd.of(ds.queryExecution(), ds.schema(), "UTC",
        maxRecordsPerBatch, maxBatchBytes));
  }

  /** In process with Spark's own converter ({@code ArrowConverters}, as Spark Connect uses). */
  long[] inProcessSparkConverter(String sql) throws Exception {
    Dataset<Row> ds = spark.sql(sql);
    long maxRecords = maxRecordsPerBatch; // locals: the function below is serialized to tasks
    long maxBytes = maxBatchBytes;
    StructType schema = ds.schema();
    JavaRDD<byte[]> batches = ds.queryExecution().toRdd().toJavaRDD().mapPartitions(
        (FlatMapFunction<Iterator<InternalRow>, byte[]>) rows -> CollectionConverters.asJava(
            ArrowConverters$.MODULE$.toBatchWithSchemaIterator(CollectionConverters.asScala(rows),
                schema, maxRecords, maxBytes, "UTC", false, false)), true);
    return collect(batches);
  }

  private long[] collect(JavaRDD<byte[]> batches) throws Exception {
    long bytes = 0;
    try (PartitionPrefetcher p = new PartitionPrefetcher(spark.sparkContext(), batches, 4,
        256L << 20)) {
      byte[] payload;
      while ((payload = p.next()) != null) {
        bytes += payload.length;
      }
    }
    return new long[] {0, bytes};
  }

  /**
   * FlightSqlClient: {@code execute} and the batches of every endpoint's stream, the endpoints
   * read in parallel as ADBC does (no per-value reading).
   */
  long[] flightSqlClient(String sql) throws Exception {
    if (flightClient == null) {
      flightAllocator = new RootAllocator();
      flightClient = new FlightSqlClient(
          FlightClient.builder(flightAllocator, Location.forGrpcInsecure("127.0.0.1", port))
              .build());
    }
    FlightInfo info = flightClient.execute(sql);
    java.util.List<java.util.concurrent.CompletableFuture<Long>> reads = new java.util.ArrayList<>();
    for (org.apache.arrow.flight.FlightEndpoint e : info.getEndpoints()) {
      reads.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        long n = 0;
        try (FlightStream s = flightClient.getStream(e.getTicket())) {
          while (s.next()) {
            n += s.getRoot().getRowCount();
          }
        } catch (Exception ex) {
          throw new java.util.concurrent.CompletionException(ex);
        }
        return n;
      }));
    }
    long rows = 0;
    for (java.util.concurrent.CompletableFuture<Long> r : reads) {
      rows += r.get();
    }
    return new long[] {rows, 0};
  }

  /** Libra's JDBC driver: {@code getObject} of every column of every row. */
  long[] jdbc(String sql) throws Exception {
    if (libraConnection == null) {
      libraConnection = libraJdbc.connect();
    }
    return jdbc(libraConnection, sql);
  }

  /** The same through the plain Arrow Flight SQL JDBC driver. */
  long[] arrowJdbc(String sql) throws Exception {
    if (arrowConnection == null) {
      arrowConnection = arrowJdbc.connect();
    }
    return jdbc(arrowConnection, sql);
  }

  private static long[] jdbc(Connection c, String sql) throws Exception {
    long rows = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int cols = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= cols; i++) {
          rs.getObject(i);
        }
        rows++;
      }
    }
    return new long[] {rows, 0};
  }

  /** Closes the connections and the client kept across runs. */
  @Override
  public void close() throws Exception {
    AutoCloseable[] all = {libraConnection, arrowConnection, flightClient, flightAllocator};
    for (AutoCloseable c : all) {
      if (c != null) {
        c.close();
      }
    }
  }

  /**
   * Libra's JDBC latency: milliseconds of each of {@code runs} executions of {@code sql} on
   * {@code c} (statement, execute, read every row, close).
   */
  static List<Double> latencyBlock(Connection c, String sql, int runs) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          rs.getObject(1);
        }
      }
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return ms;
  }

  /** A new connection of Libra's JDBC driver ({@code jdbc:libra://}) to this bench's gateway. */
  Connection newLibraConnection() throws Exception {
    return libraJdbc.connect();
  }
}
