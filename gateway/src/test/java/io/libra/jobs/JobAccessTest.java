package io.libra.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobAccessTest {
  private static JobAccess access(Path allowed, boolean auth) {
    return new JobAccess(new JobSettings(allowed.getParent(), List.of(allowed),
        List.of("spark.master", "spark.driver."), "local[2]", "client", null, null, false,
        auth), UserRoles.of(Map.of("alice", Set.of("submit"), "root", Set.of("admin"))));
  }

  private static JobSpec spec(String resource, Map<String, String> conf) {
    return new JobSpec(JobKind.JAR, resource, "x.Main", List.of(), conf, "n");
  }

  @Test
  void resourcesMustBeRealFilesUnderAllowedDirectories() throws Exception {
    Path base = Files.createTempDirectory("libra-access-");
    Path allowed = Files.createDirectories(base.resolve("apps"));
    Path app = jarWithMain(allowed.resolve("app.jar"));
    Path secret = Files.writeString(base.resolve("secret.jar"), "x");
    Files.createSymbolicLink(allowed.resolve("escape.jar"), secret);
    JobAccess a = access(allowed, true);
    assertEquals(app.toRealPath(), a.checkSubmit("alice", spec(app.toString(), Map.of())));
    assertThrows(JobAccessDeniedException.class,
        () -> a.checkSubmit("alice", spec(secret.toString(), Map.of())));
    assertThrows(JobAccessDeniedException.class,
        () -> a.checkSubmit("alice", spec(allowed + "/../secret.jar", Map.of())));
    JobAccessDeniedException link = assertThrows(JobAccessDeniedException.class,
        () -> a.checkSubmit("alice", spec(allowed.resolve("escape.jar").toString(), Map.of())));
    assertTrue(link.getMessage().contains("argument 'resource'"), link.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> a.checkSubmit("alice", spec(allowed.resolve("none.jar").toString(), Map.of())));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> a.checkSubmit("alice", spec("apps/app.jar", Map.of())));
  }

  @Test
  void rolesAndConfKeys() throws Exception {
    Path allowed = Files.createDirectories(Files.createTempDirectory("libra-access-")
        .resolve("apps"));
    String app = jarWithMain(allowed.resolve("app.jar")).toString();
    assertThrows(JobAccessDeniedException.class, () -> access(allowed, true)
        .checkSubmit("bob", spec(app, Map.of())));
    access(allowed, false).checkSubmit("bob", spec(app, Map.of()));
    JobAccess a = access(allowed, true);
    a.checkSubmit("alice", spec(app, Map.of("spark.executor.memory", "2g")));
    assertThrows(JobAccessDeniedException.class,
        () -> a.checkSubmit("alice", spec(app, Map.of("spark.master", "yarn"))));
    assertThrows(JobAccessDeniedException.class, () -> a.checkSubmit("alice",
        spec(app, Map.of("spark.driver.extraJavaOptions", "-Dx"))));
    IllegalArgumentException notSpark = assertThrows(IllegalArgumentException.class,
        () -> a.checkSubmit("alice", spec(app, Map.of("hadoop.x", "1"))));
    assertTrue(notSpark.getMessage().contains("argument 'conf'"), notSpark.getMessage());
  }

  @Test
  void usersSeeTheirOwnJobsAdminsAll() {
    JobAccess a = access(Path.of("/tmp/apps"), true);
    JobRecord alices = new JobRecord("1", "n", "jar", "alice", JobState.RUNNING, "/r",
        Instant.now(), null, null, null, null, null, null, "/l");
    JobRecord bobs = new JobRecord("2", "n", "jar", "bob", JobState.RUNNING, "/r", Instant.now(),
        null, null, null, null, null, null, "/l");
    assertEquals(List.of(alices), a.visible("alice", List.of(alices, bobs)));
    assertEquals(List.of(bobs), a.visible("bob", List.of(alices, bobs)));
    assertEquals(List.of(alices, bobs), a.visible("root", List.of(alices, bobs)));
  }

  /** A jar holding an (empty) entry for the main class x.Main: enough for the access check. */
  private static Path jarWithMain(Path file) throws java.io.IOException {
    try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
        Files.newOutputStream(file))) {
      out.putNextEntry(new java.util.jar.JarEntry("x/Main.class"));
      out.closeEntry();
    }
    return file;
  }
}
