package io.libra.jobs;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a job's driver in its own JVM with Spark's {@link SparkLauncher#startApplication}: the
 * launcher runs {@code $SPARK_HOME/bin/spark-submit} (a real distribution, or
 * {@link EmbeddedSparkHome}) and the driver reports its state and application id back over the
 * launcher's loopback socket ({@link SparkAppHandle.Listener}).
 *
 * <p>The driver's stdout and stderr go, merged, to {@code driver.log} in the job's directory, which
 * is also its working directory. The launched {@link Process} (the driver JVM in client mode, since
 * spark-submit {@code exec}s it) is taken from the handle so its pid and exit code are known.
 */
public final class JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

  private final JobSettings settings;
  private final Path sparkHome;

  /** @param sparkHome a directory with {@code bin/spark-submit} */
  public JobLauncher(JobSettings settings, Path sparkHome) {
    this.settings = settings;
    this.sparkHome = sparkHome;
  }

  /** A started driver: its handle, and its process when the launcher exposes it (else null). */
  public record Launched(SparkAppHandle handle, Process process) {}

  /**
   * Starts {@code spec} as application {@code id}.
   *
   * @param jobDir working directory of the driver; receives {@code driver.log}
   * @throws IOException when spark-submit cannot be started
   */
  public Launched launch(String id, JobSpec spec, Path jobDir, SparkAppHandle.Listener listener)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    if (settings.master().startsWith("local") && System.getenv("SPARK_LOCAL_IP") == null) {
      env.put("SPARK_LOCAL_IP", "127.0.0.1");
    }
    SparkLauncher launcher = new SparkLauncher(env)
        .setSparkHome(sparkHome.toString())
        .setJavaHome(System.getProperty("java.home"))
        .setMaster(settings.master())
        .setDeployMode(settings.deployMode())
        .setAppName(spec.name())
        .setAppResource(spec.resource())
        .setConf("spark.libra.job.id", id)
        .directory(jobDir.toFile())
        .redirectError()
        .redirectOutput(new File(jobDir.toFile(), "driver.log"));
    if (spec.kind() == JobKind.PYTHON_FILE) {
      if (settings.pysparkPython() != null && !spec.conf().containsKey("spark.pyspark.python")) {
        launcher.setConf("spark.pyspark.python", settings.pysparkPython());
      }
    } else {
      launcher.setMainClass(spec.mainClass());
    }
    spec.conf().forEach(launcher::setConf);
    launcher.addAppArgs(spec.args().toArray(String[]::new));
    SparkAppHandle handle = launcher.startApplication(listener);
    Process process = childProcess(handle);
    LOG.info("job {} launched ({} {}, master {}, pid {})", id, spec.kind().sqlName(),
        spec.resource(), settings.master(), process == null ? "unknown" : process.pid());
    return new Launched(handle, process);
  }

  /**
   * The spark-submit process behind a handle. {@code SparkAppHandle} has no accessor for it; the
   * child-process handle keeps it in field {@code childProc} (Spark 2.3 to 4.x). Null when absent.
   */
  private static Process childProcess(SparkAppHandle handle) {
    try {
      Field f = handle.getClass().getDeclaredField("childProc");
      f.setAccessible(true);
      return (Process) f.get(handle);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot read the driver process of {}: {}", handle.getClass().getName(),
          e.toString());
      return null;
    }
  }
}
