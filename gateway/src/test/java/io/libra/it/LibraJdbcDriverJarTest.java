package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The jdbc-driver module's jar alone on a classpath (a separate JVM, nothing else) connects with
 * {@code jdbc:libra://127.0.0.1:PORT}, applies {@code schema=}, and reads every value with
 * getObject, zoned timestamps included (exact instants with the client JVM in another zone).
 * Needs the jar: {@code mvn package} (scripts/test) builds
 * it before these tests run; a plain {@code mvn test} skips this class.
 */
class LibraJdbcDriverJarTest {
  private static final String CLIENT = """
      import java.sql.*;
      public class Client {
        public static void main(String[] a) throws Exception {
          try (Connection c = DriverManager.getConnection(a[0]);
               Statement s = c.createStatement();
               ResultSet rs = s.executeQuery("SELECT count(*) AS n, max(n_name) AS m,"
                   + " TIMESTAMP'2024-02-29 12:34:56' AS ts, DATE'2024-02-29' AS d,"
                   + " CAST(1.25 AS DECIMAL(10,2)) AS dec FROM nation")) {
            rs.next();
            StringBuilder out = new StringBuilder("driver=" + DriverManager.getDriver(a[0])
                .getClass().getName());
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              Object o = rs.getObject(i);
              out.append(' ').append(rs.getMetaData().getColumnName(i)).append('=')
                  .append(o == null ? "null" : o.getClass().getSimpleName());
            }
            out.append(" n=").append(rs.getLong("n")).append(" m=").append(rs.getString("m"))
                .append(" ts=").append(rs.getTimestamp("ts").toInstant())
                .append(" tsobj=").append(((Timestamp) rs.getObject("ts")).toInstant())
                .append(" tsstr=").append(rs.getString("ts").replace(' ', 'T'))
                .append(" tsutc=").append(rs.getTimestamp("ts",
                    java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC")))
                    .toInstant());
            System.out.println(out);
          }
        }
      }
      """;

  @Test
  void sqlShellRunsAStatementThroughTheDriver() throws Exception {
    Path shell = TestGateway.home().resolve("jdbc-driver/target/shell/sqlline.jar");
    Assumptions.assumeTrue(Files.exists(shell), "build the driver jar first (mvn package)");
    TestGateway gateway = TestGateway.get();
    Process p = new ProcessBuilder(TestGateway.home().resolve("scripts/libra").toString(), "sql",
        "jdbc:libra://127.0.0.1:" + gateway.server.port(),
        "-e", "SELECT count(*) AS n, max(n_name) AS m FROM tpch.nation;")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("| 25 | VIETNAM |"), out);
  }

  @Test
  void driverJarAloneConnectsAndQueries() throws Exception {
    Process p = client("--add-opens=java.base/java.nio=ALL-UNNAMED", "-Duser.timezone=Asia/Tokyo");
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().filter(l -> l.startsWith("driver=")).toList();
    assertEquals(1, lines.size(), out);
    String line = lines.get(0);
    assertTrue(line.contains("driver=io.libra.jdbc.LibraDriver"), line);
    assertTrue(line.contains(" n=25 "), line);
    assertTrue(line.contains(" m=VIETNAM "), line);
    // getObject works for every column, the zoned timestamp included (18.3.0 would throw).
    assertTrue(line.contains(" ts=Timestamp d=Date dec=BigDecimal"), line);
    // The client JVM is in Tokyo, the session in UTC: the instant is exact (the driver corrects
    // the Arrow driver's shift), and the text is the session-zone wall clock.
    assertTrue(line.contains(" ts=2024-02-29T12:34:56Z "), line);
    assertTrue(line.contains(" tsobj=2024-02-29T12:34:56Z "), line);
    assertTrue(line.contains(" tsutc=2024-02-29T12:34:56Z"), line);
    assertTrue(line.contains(" tsstr=2024-02-29T12:34:56"), line);
  }

  /**
   * Without {@code --add-opens=java.base/java.nio=ALL-UNNAMED} the connection fails at once with
   * an error naming the option, and the client JVM exits. Before, the connection opened and the
   * first result failed with Arrow's "Failed to initialize MemoryUtil" under "Failed to read
   * message" (after a large result the Arrow driver's connection thread was left running and the
   * client JVM did not exit).
   */
  @Test
  void withoutTheJavaNioOpeningTheConnectionFailsNamingItAndTheClientExits() throws Exception {
    Process p = client("-Duser.timezone=UTC");
    Exit exit = awaitExit(p);
    String text = exit.output();
    assertTrue(exit.exited(), "the client JVM did not exit:\n" + text);
    assertEquals(1, p.exitValue(), text);
    assertTrue(text.contains("SQLException: Libra's JDBC driver needs the JVM option"
        + " --add-opens=java.base/java.nio=ALL-UNNAMED"), text);
  }

  /** Reads 10 rows of a large result, then closes the connection; the JVM must then exit. */
  private static final String MID_STREAM_CLOSE_CLIENT = """
      import java.sql.*;
      public class Client {
        public static void main(String[] a) throws Exception {
          Connection c = DriverManager.getConnection(a[0]);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id, repeat('x', 100) AS pad FROM range(0, 3000000)");
          for (int i = 0; i < 10; i++) {
            rs.next();
          }
          System.out.println("read 10 rows");
          try {
            c.close();
            System.out.println("closed");
          } catch (SQLException e) {
            System.out.println("close threw: " + e.getMessage());
          }
        }
      }
      """;

  /**
   * Closing the connection while a result is being read lets the client JVM exit. The Arrow
   * driver's close throws there ("Failed to clean up client resources": its allocator still holds
   * the unread stream's buffers) before it shuts its non-daemon stream-reading pool down, so the
   * JVM stayed alive after main returned.
   */
  @Test
  void closingTheConnectionMidStreamLetsTheClientExit() throws Exception {
    Process p = clientRunning(MID_STREAM_CLOSE_CLIENT,
        "--add-opens=java.base/java.nio=ALL-UNNAMED");
    Exit exit = awaitExit(p);
    String text = exit.output();
    assertTrue(text.contains("read 10 rows"), text);
    assertTrue(exit.exited(),
        "the client JVM did not exit after closing its connection:\n" + text);
    assertEquals(0, p.exitValue(), text);
  }

  /** Whether a client JVM exited by itself within 60 s, and everything it printed. */
  private record Exit(boolean exited, String output) {}

  /** Waits up to 60 s for {@code p} to exit (destroying it if it does not), reading its output. */
  private static Exit awaitExit(Process p) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        p.getInputStream().transferTo(out);
      } catch (java.io.IOException e) {
        // the process was destroyed
      }
    });
    reader.start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    reader.join(10_000);
    return new Exit(exited, out.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Runs {@link #CLIENT} against the shared gateway with only the driver jar on its classpath. */
  private static Process client(String... jvmOptions) throws Exception {
    return clientRunning(CLIENT, jvmOptions);
  }

  /** Runs a client program against the shared gateway with only the driver jar on its classpath. */
  private static Process clientRunning(String source, String... jvmOptions) throws Exception {
    Path target = TestGateway.home().resolve("jdbc-driver/target");
    Optional<Path> jar = Optional.empty();
    if (Files.isDirectory(target)) {
      try (java.util.stream.Stream<Path> files = Files.list(target)) {
        jar = files.filter(p -> p.getFileName().toString().matches("libra-jdbc-driver-.*\\.jar"))
            .findFirst();
      }
    }
    Assumptions.assumeTrue(jar.isPresent(), "build the driver jar first (mvn package)");
    TestGateway gateway = TestGateway.get();
    Path dir = Files.createTempDirectory("libra-driver-");
    Files.writeString(dir.resolve("Client.java"), source);
    String url = "jdbc:libra://127.0.0.1:" + gateway.server.port() + "?schema=tpch";
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", jar.get().toString(), dir.resolve("Client.java").toString(), url));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }
}
