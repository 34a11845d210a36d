package io.libra.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The jar of Libra's own code that executors need: tasks run Libra classes (Arrow conversion in
 * {@code io.libra.results}, the TPC-H generator), and an executor outside the gateway JVM has only
 * Spark's jars. Spark ships a jar listed in {@code spark.jars} to every executor, but not a class
 * directory ({@code SparkContext.addJar} rejects directories).
 *
 * <p>When the gateway runs from a jar (an installed build) that jar is used as is; when it runs from
 * a class directory ({@code gateway/target/classes}, as {@code scripts/libra} and the tests do) the
 * directory is packed into {@code <workDir>/executor-code/libra-gateway-classes.jar}, rewritten at
 * every start so it never lags behind the classes.
 */
public final class ExecutorCodeJar {
  static final String PACKED_NAME = "libra-gateway-classes.jar";

  private ExecutorCodeJar() {}

  /**
   * The jar holding {@code codeOf}'s classes, packing its class directory if needed.
   *
   * @param codeOf a class of the code to ship (Libra's: {@code SparkEngine.class})
   * @param workDir the gateway's work directory (absolute); the packed jar goes below it
   * @return absolute path of an existing jar file
   * @throws IOException when the code location is neither a jar nor a directory, or packing fails
   */
  public static Path forClass(Class<?> codeOf, Path workDir) throws IOException {
    CodeSource source = codeOf.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IOException("no code location for " + codeOf.getName());
    }
    Path location;
    try {
      location = Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("code location of " + codeOf.getName() + " is not a local file: "
          + source.getLocation(), e);
    }
    if (Files.isRegularFile(location)) {
      return location;
    }
    if (!Files.isDirectory(location)) {
      throw new IOException("code location of " + codeOf.getName() + " does not exist: "
          + location);
    }
    return pack(location, workDir.resolve("executor-code").resolve(PACKED_NAME));
  }

  /**
   * Writes every file below {@code classesDir} into the jar {@code target} (replaced atomically, so
   * a concurrent reader never sees half a jar).
   *
   * @return {@code target}
   */
  static Path pack(Path classesDir, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), PACKED_NAME, ".tmp");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream out = Files.newOutputStream(tmp);
        JarOutputStream jar = new JarOutputStream(out, manifest);
        Stream<Path> walk = Files.walk(classesDir)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      for (Path f : files) {
        String name = classesDir.relativize(f).toString().replace('\\', '/');
        if (name.equals("META-INF/MANIFEST.MF")) {
          continue;
        }
        jar.putNextEntry(new JarEntry(name));
        Files.copy(f, jar);
        jar.closeEntry();
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }
}
