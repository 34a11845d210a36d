package io.libra.jobs;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code libra.submit_job(kind => …)} runs.
 *
 * <ul>
 *   <li>{@code jar}: a Spark application jar and its main class, in its own driver JVM.</li>
 *   <li>{@code python-file}: a PySpark script, in its own driver JVM (run by Spark's
 *       {@code PythonRunner}).</li>
 *   <li>{@code jar-class}: a main class of a jar; without per-job {@code conf} it runs inside the
 *       gateway's shared SparkContext in the caller's pool (only when
 *       {@code libra.jobs.in-process.enabled}), with {@code conf} like {@code jar}.</li>
 * </ul>
 */
public enum JobKind {
  JAR("jar"), PYTHON_FILE("python-file"), JAR_CLASS("jar-class");

  private final String sqlName;

  JobKind(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The name used in SQL and in {@code libra.jobs.kind}. */
  public String sqlName() {
    return sqlName;
  }

  /**
   * @throws IllegalArgumentException naming argument {@code kind} and the accepted values
   */
  public static JobKind parse(String text) {
    for (JobKind k : values()) {
      if (k.sqlName.equals(text.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException("argument 'kind' must be one of "
        + Arrays.stream(values()).map(k -> "'" + k.sqlName + "'").collect(Collectors.joining(", "))
        + ", got '" + text + "'");
  }
}
