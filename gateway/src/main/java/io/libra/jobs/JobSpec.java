package io.libra.jobs;

import java.util.List;
import java.util.Map;

/**
 * What to run: the arguments of {@code libra.submit_job}.
 *
 * @param kind what the resource is
 * @param resource absolute path of the jar or Python file (must lie under an allowed directory)
 * @param mainClass main class for {@code jar} and {@code jar-class}; null for {@code python-file}
 * @param args application arguments, in order
 * @param conf per-job Spark settings ({@code spark.*} keys), for example
 *     {@code spark.executor.memory=2g}
 * @param name display name (Spark's application name); never null
 */
public record JobSpec(JobKind kind, String resource, String mainClass, List<String> args,
    Map<String, String> conf, String name) {}
