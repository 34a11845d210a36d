package io.libra.jobs;

import io.libra.config.LibraConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The job settings of a gateway, resolved from {@link LibraConfig} ({@code libra.jobs.*}) and the
 * environment.
 *
 * @param workDir where {@code jobs_db/}, {@code jobs/<id>/driver.log} and the embedded
 *     {@code spark-home/} live
 * @param allowedDirs resources must lie under one of these (absolute, normalised)
 * @param deniedConf Spark keys, or prefixes ending in '.', a job may not set
 * @param master spark.master of jobs
 * @param deployMode client or cluster
 * @param sparkHome a Spark distribution, or null for the embedded spark-submit
 * @param pysparkPython default spark.pyspark.python, or null
 * @param inProcessEnabled whether kind jar-class without conf may run in the gateway JVM
 * @param authEnabled whether users authenticate (else everyone may submit)
 */
public record JobSettings(Path workDir, List<Path> allowedDirs, List<String> deniedConf,
    String master, String deployMode, Path sparkHome, String pysparkPython,
    boolean inProcessEnabled, boolean authEnabled) {

  /** From the gateway configuration; {@code env} is normally {@link System#getenv()}. */
  public static JobSettings from(LibraConfig config, Map<String, String> env) {
    List<Path> dirs = new ArrayList<>();
    for (String d : split(config.get(LibraConfig.JOBS_ALLOWED_DIRS))) {
      dirs.add(config.home().resolve(d).toAbsolutePath().normalize());
    }
    String home = config.get(LibraConfig.JOBS_SPARK_HOME);
    if (home.isBlank()) {
      home = env.getOrDefault("SPARK_HOME", "");
    }
    String python = config.get(LibraConfig.JOBS_PYSPARK_PYTHON);
    if (python.isBlank()) {
      python = env.getOrDefault("PYSPARK_PYTHON", "");
    }
    String mode = config.get(LibraConfig.JOBS_DEPLOY_MODE);
    if (!mode.equals("client") && !mode.equals("cluster")) {
      throw new IllegalArgumentException(LibraConfig.JOBS_DEPLOY_MODE.key()
          + " must be client or cluster, got '" + mode + "'");
    }
    return new JobSettings(config.workDir(), dirs, split(config.get(LibraConfig.JOBS_DENIED_CONF)),
        config.get(LibraConfig.JOBS_MASTER), mode,
        home.isBlank() ? null : config.home().resolve(home).toAbsolutePath(),
        python.isBlank() ? null : python, config.get(LibraConfig.JOBS_IN_PROCESS_ENABLED),
        config.get(LibraConfig.AUTH_ENABLED));
  }

  private static List<String> split(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }
}
