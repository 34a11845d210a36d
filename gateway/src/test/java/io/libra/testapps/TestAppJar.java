package io.libra.testapps;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds the test Spark application jar from this package's compiled classes (the test classes
 * directory), so a clean clone needs no extra module: HelloJob, FailingJob, SleepingJob.
 */
public final class TestAppJar {
  private TestAppJar() {}

  /** Writes the jar to {@code target} (parent directories created) and returns it. */
  public static Path build(Path target) throws IOException {
    Path classes;
    try {
      classes = Path.of(TestAppJar.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    Path pkg = classes.resolve("io/libra/testapps");
    Files.createDirectories(target.getParent());
    try (OutputStream out = Files.newOutputStream(target);
        JarOutputStream jar = new JarOutputStream(out);
        Stream<Path> files = Files.list(pkg)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
        jar.putNextEntry(new JarEntry("io/libra/testapps/" + f.getFileName()));
        Files.copy(f, jar);
        jar.closeEntry();
      }
    }
    return target;
  }
}
