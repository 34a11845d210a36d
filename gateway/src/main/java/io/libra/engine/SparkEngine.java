package io.libra.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.classic.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one embedded Spark driver of a gateway JVM: a {@code SparkContext} with the FAIR scheduler,
 * Hive catalog support backed by an embedded Derby metastore and a warehouse under the work
 * directory (so tables survive a restart).
 *
 * <p>Settings come from {@code spark-defaults.conf}; Libra only adds defaults that the file did not
 * set: the metastore and warehouse locations, loopback driver binding when the gateway binds to
 * loopback, {@code spark.scheduler.mode=FAIR}, and no per-session artifact isolation
 * ({@link #ARTIFACT_ISOLATION}: sessions share compiled code). Sessions carry Libra's SQL checks
 * ({@link SqlGuard}) and plan queries of constants without a Spark job ({@link ConstantRowScan}).
 * With a master whose executors are other JVMs (anything but {@code local} and
 * {@code local[…]}: {@code spark://}, {@code yarn}, {@code k8s://}, {@code local-cluster[…]}) it
 * appends the jar of Libra's own code ({@link ExecutorCodeJar}) to {@code spark.jars}, because
 * tasks run Libra classes.
 */
public final class SparkEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SparkEngine.class);

  /**
   * Spark's per-session artifact isolation ({@code SQLConf.ARTIFACTS_SESSION_ISOLATION_ENABLED}),
   * off by default in Libra; read once per session, when it is created.
   */
  public static final String ARTIFACT_ISOLATION = "spark.sql.artifact.isolation.enabled";

  private final SparkSession root;

  private SparkEngine(SparkSession root) {
    this.root = root;
  }

  /**
   * Starts Spark (or joins the already running context of this JVM) and warms the catalog: the first
   * Hive metastore call costs seconds, so it is made here, before the server reports ready.
   *
   * @param sparkConf settings from spark-defaults.conf plus overrides
   * @param workDir absolute work directory (metastore_db, warehouse)
   * @param loopbackOnly whether the gateway binds to loopback only (then the driver does too)
   */
  public static SparkEngine start(Map<String, String> sparkConf, Path workDir, boolean loopbackOnly)
      throws Exception {
    return start(sparkConf, workDir, loopbackOnly, null);
  }

  /**
   * @param driverHost the gateway's bind address: with a non-loopback, non-wildcard one the
   *     driver binds and advertises it (spark.driver.bindAddress/host), unless set
   */
  public static SparkEngine start(Map<String, String> sparkConf, Path workDir, boolean loopbackOnly,
      String driverHost)
      throws Exception {
    Files.createDirectories(workDir);
    SparkConf conf = new SparkConf(false);
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.app.name", "Libra");
    sparkConf.forEach(conf::set);
    if (executorsAreOtherJvms(conf.get("spark.master"))) {
      Path jar = ExecutorCodeJar.forClass(SparkEngine.class, workDir);
      String jars = conf.get("spark.jars", "").trim();
      conf.set("spark.jars", jars.isEmpty() ? jar.toString() : jars + "," + jar);
      LOG.info("master {}: shipping Libra's code to executors ({})", conf.get("spark.master"),
          jar);
      if (!conf.get(io.libra.results.ExecutorEndpoints.MODE, "off").equals("off")) {
        installDirectFetch(conf);
      }
    }
    conf.setIfMissing("spark.scheduler.mode", "FAIR");
    // Anyone who reaches the Spark UI could kill any user's job: off unless an admin turns it on.
    conf.setIfMissing("spark.ui.killEnabled", "false");
    // ${env:...} and ${system:...} in SQL text would read the gateway's environment and JVM
    // properties. Off in SparkConf, so a session's RESET restores off, not Spark's default.
    conf.setIfMissing("spark.sql.variable.substitute", "false");
    // Table libra.jobs (the job registry), read-only.
    conf.setIfMissing("spark.sql.catalog.libra", "io.libra.jobs.JobsCatalog");
    conf.setIfMissing("spark.sql.catalogImplementation", "hive");
    conf.setIfMissing("spark.sql.warehouse.dir", workDir.resolve("warehouse").toUri().toString());
    conf.setIfMissing("spark.hadoop.javax.jdo.option.ConnectionURL",
        "jdbc:derby:;databaseName=" + workDir.resolve("metastore_db") + ";create=true");
    // No connection pool for the embedded Derby metastore: Derby closes a connection whose thread
    // is interrupted (a cancelled statement's thread is), and a pooled closed connection failed
    // every later catalog call ("Cannot get a connection"). Embedded connections are cheap.
    conf.setIfMissing("spark.hadoop.datanucleus.connectionPoolingType", "None");
    System.setProperty("derby.system.home", workDir.toString());
    System.setProperty("derby.stream.error.file", workDir.resolve("derby.log").toString());
    if (loopbackOnly) {
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
    } else if (driverHost != null && !driverHost.equals("0.0.0.0") && !driverHost.equals("::")) {
      // Executors connect to the driver where the gateway binds (the UI stays on SPARK_LOCAL_IP).
      conf.setIfMissing("spark.driver.bindAddress", driverHost);
      conf.setIfMissing("spark.driver.host", driverHost);
    }
    conf.setIfMissing(SqlGuard.CONF, SqlGuard.DEFAULT);
    // Sessions share one class loader on the executors. With Spark's per-session artifact
    // isolation (its default), every client session gets its own executor class loader, and the
    // code-generation cache is keyed by class loader: each new session compiled every query's
    // generated code again (janino, and class lookups fetched from the driver). Cookie-less
    // clients get a new session per call. ADD JAR is then visible to every session, as in the
    // Spark Thrift Server; it needs the files role when authentication is on.
    conf.setIfMissing(ARTIFACT_ISOLATION, "false");
    SparkSession.Builder builder = SparkSession.builder().config(conf)
        .withExtensions(new SqlGuard.Extension()).withExtensions(new ConstantRowScan.Extension());
    SparkSession session = builder.getOrCreate();
    long t0 = System.nanoTime();
    session.catalog().listDatabases().count();
    LOG.info("Spark {} started (master {}, app {}), catalog ready in {} ms; Spark UI: {}",
        session.version(), session.sparkContext().master(), session.sparkContext().applicationId(),
        (System.nanoTime() - t0) / 1_000_000,
        session.sparkContext().uiWebUrl().getOrElse(() -> "disabled"));
    return new SparkEngine(session);
  }

  /**
   * Whether tasks of {@code master} run outside this JVM: true for every master but {@code local}
   * and {@code local[N]}/{@code local[*]}/{@code local[N,F]} ({@code local-cluster[…]} starts
   * executor JVMs).
   */
  static boolean executorsAreOtherJvms(String master) {
    return !(master.equals("local") || master.startsWith("local["));
  }

  /**
   * Classes of the jars an executor's result server needs beyond Spark's own (Arrow Flight and
   * gRPC): their jars go to {@code spark.jars} with executor-direct fetch.
   */
  private static final String[] DIRECT_FETCH_CLASSES = {
      "org.apache.arrow.flight.FlightServer", "io.grpc.Server", "io.grpc.Context",
      "io.grpc.internal.ServerImpl", "io.grpc.netty.NettyServerBuilder",
      "io.grpc.stub.StreamObserver", "io.grpc.protobuf.ProtoUtils",
      "io.grpc.protobuf.lite.ProtoLiteUtils", "io.grpc.util.MutableHandlerRegistry",
      "io.perfmark.PerfMark", "com.google.protobuf.Message",
      "com.google.common.base.Preconditions",
      "com.google.common.util.concurrent.internal.InternalFutureFailureAccess"};

  /**
   * Executor-direct fetch: {@link io.libra.results.DirectFetchPlugin} in {@code spark.plugins}
   * and the jars of {@link #DIRECT_FETCH_CLASSES} in {@code spark.jars} (executors load classes
   * parent-first, so jars they already have win).
   */
  private static void installDirectFetch(SparkConf conf) {
    String plugins = conf.get("spark.plugins", "").trim();
    conf.set("spark.plugins", plugins.isEmpty() ? io.libra.results.DirectFetchPlugin.CLASS
        : plugins + "," + io.libra.results.DirectFetchPlugin.CLASS);
    java.util.Set<String> jars = new java.util.LinkedHashSet<>(
        java.util.Arrays.asList(conf.get("spark.jars", "").split(",")));
    jars.remove("");
    for (String name : DIRECT_FETCH_CLASSES) {
      try {
        java.security.CodeSource source = Class.forName(name).getProtectionDomain()
            .getCodeSource();
        Path jar = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(jar)) {
          jars.add(jar.toString());
        }
      } catch (ReflectiveOperationException | java.net.URISyntaxException | RuntimeException e) {
        LOG.warn("executor-direct fetch: no jar for {} ({})", name, e.toString());
      }
    }
    conf.set("spark.jars", String.join(",", jars));
  }

  /** The root session; client sessions are {@code newSession()} of it. */
  public SparkSession rootSession() {
    return root;
  }

  /** The Spark UI address, or empty when the UI is disabled. */
  public String uiUrl() {
    return root.sparkContext().uiWebUrl().getOrElse(() -> "");
  }

  @Override
  public void close() {
    root.stop();
  }
}
