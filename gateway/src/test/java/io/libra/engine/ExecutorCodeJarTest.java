package io.libra.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** Which masters get Libra's code shipped, and the jar packed from a class directory. */
class ExecutorCodeJarTest {
  @Test
  void onlyInProcessMastersKeepTheirTasksInThisJvm() {
    assertFalse(SparkEngine.executorsAreOtherJvms("local"));
    assertFalse(SparkEngine.executorsAreOtherJvms("local[2]"));
    assertFalse(SparkEngine.executorsAreOtherJvms("local[*, 3]"));
    assertTrue(SparkEngine.executorsAreOtherJvms("local-cluster[1,1,1024]"));
    assertTrue(SparkEngine.executorsAreOtherJvms("spark://127.0.0.1:7077"));
    assertTrue(SparkEngine.executorsAreOtherJvms("yarn"));
    assertTrue(SparkEngine.executorsAreOtherJvms("k8s://https://10.0.0.1:6443"));
  }

  @Test
  void classDirectoryIsPackedIntoTheWorkDirAndRepackedAtEachCall() throws Exception {
    Path work = Files.createTempDirectory("libra-codejar-");
    // Tests run from target/classes, so SparkEngine's code location is a directory.
    Path jar = ExecutorCodeJar.forClass(SparkEngine.class, work);
    assertEquals(work.resolve("executor-code").resolve(ExecutorCodeJar.PACKED_NAME), jar);
    try (JarFile f = new JarFile(jar.toFile())) {
      assertNotNull(f.getEntry("io/libra/engine/SparkEngine.class"));
      assertNotNull(f.getEntry("io/libra/results/ArrowBatchRdd.class"));
      assertNotNull(f.getManifest());
    }
    Files.writeString(jar, "stale");
    Path again = ExecutorCodeJar.forClass(SparkEngine.class, work);
    try (JarFile f = new JarFile(again.toFile())) {
      assertNotNull(f.getEntry("io/libra/tpch/TpchLoader.class"));
    }
    try (var left = Files.list(jar.getParent())) {
      assertEquals(1, left.count(), "temporary files left next to the jar");
    }
  }

  @Test
  void aJarLocationIsUsedAsIs() throws Exception {
    Path work = Files.createTempDirectory("libra-codejar-");
    Path jar = ExecutorCodeJar.forClass(org.junit.jupiter.api.Test.class, work);
    assertTrue(jar.toString().endsWith(".jar"), jar.toString());
    assertFalse(Files.exists(work.resolve("executor-code")));
    assertTrue(Files.isRegularFile(jar));
  }
}
