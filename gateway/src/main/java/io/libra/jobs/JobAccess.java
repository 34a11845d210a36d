package io.libra.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may do what with jobs: the {@code submit} role (everyone when authentication is off),
 * resources under {@code libra.jobs.allowed-dirs}, Spark keys not in {@code libra.jobs.denied-conf},
 * and job visibility (own jobs, every job for {@code admin}).
 */
public final class JobAccess {
  private final JobSettings settings;
  private final UserRoles roles;

  public JobAccess(JobSettings settings, UserRoles roles) {
    this.settings = settings;
    this.roles = roles;
  }

  /** Whether {@code user} sees and cancels every user's jobs. */
  public boolean isAdmin(String user) {
    return roles.has(user, UserRoles.ADMIN);
  }

  /** Whether {@code user} may see (and cancel) {@code job}. */
  public boolean canSee(String user, JobRecord job) {
    return job.user().equals(user) || isAdmin(user);
  }

  /**
   * Checks a submission.
   *
   * @return the resource as a real (symbolic links resolved) absolute path
   * @throws JobAccessDeniedException without the submit role, for a resource outside the allowed
   *     directories or a denied Spark key
   * @throws IllegalArgumentException naming the argument: a relative or missing resource, a key
   *     that is not {@code spark.*}
   */
  public Path checkSubmit(String user, JobSpec spec) throws IOException {
    if (settings.authEnabled() && !roles.has(user, UserRoles.SUBMIT)) {
      throw new JobAccessDeniedException("user '" + user + "' may not submit jobs (no 'submit'"
          + " role in libra.auth.roles-file)");
    }
    for (String key : spec.conf().keySet()) {
      if (!key.startsWith("spark.")) {
        throw new IllegalArgumentException("argument 'conf': key '" + key
            + "' is not a Spark setting (spark.*)");
      }
      for (String denied : settings.deniedConf()) {
        if (denied.endsWith(".") ? key.startsWith(denied) : key.equals(denied)) {
          throw new JobAccessDeniedException("argument 'conf': key '" + key
              + "' may not be set by jobs (libra.jobs.denied-conf)");
        }
      }
    }
    Path path = Path.of(spec.resource());
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("argument 'resource' must be an absolute path, got '"
          + spec.resource() + "'");
    }
    Path normal = path.normalize();
    if (allowedRoot(normal, false) == null) {
      throw outside(spec.resource());
    }
    Path real;
    try {
      real = normal.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("argument 'resource': no such file '" + spec.resource()
          + "'");
    }
    if (!Files.isRegularFile(real)) {
      throw new IllegalArgumentException("argument 'resource' is not a file: '" + spec.resource()
          + "'");
    }
    if (allowedRoot(real, true) == null) {
      throw outside(spec.resource());
    }
    if (spec.kind() != JobKind.PYTHON_FILE) {
      requireClassInJar(real, spec.mainClass());
    }
    return real;
  }

  /**
   * The main class must come from the submitted jar itself: any class on the driver's class path
   * (Spark's own {@code SparkSubmit}, say) would run code from outside the allowed directories.
   */
  private static void requireClassInJar(Path jar, String mainClass) throws IOException {
    String entry = mainClass.replace('.', '/') + ".class";
    try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
      if (file.getEntry(entry) == null) {
        throw new IllegalArgumentException("argument 'main_class': " + mainClass + " is not in"
            + " the jar " + jar.getFileName() + " (the main class must come from the submitted"
            + " jar)");
      }
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException("argument 'resource': " + jar.getFileName()
          + " is not a jar: " + e.getMessage());
    }
  }

  private JobAccessDeniedException outside(String resource) {
    return new JobAccessDeniedException("argument 'resource': '" + resource + "' is outside the"
        + " directories jobs may use (libra.jobs.allowed-dirs: " + settings.allowedDirs() + ")");
  }

  private Path allowedRoot(Path p, boolean real) throws IOException {
    for (Path dir : settings.allowedDirs()) {
      Path root = dir;
      if (real) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        root = dir.toRealPath();
      }
      if (p.startsWith(root) && !p.equals(root)) {
        return root;
      }
    }
    return null;
  }

  /** The jobs of {@code all} that {@code user} may see. */
  public List<JobRecord> visible(String user, List<JobRecord> all) {
    List<JobRecord> out = new ArrayList<>();
    for (JobRecord j : all) {
      if (canSee(user, j)) {
        out.add(j);
      }
    }
    return out;
  }
}
