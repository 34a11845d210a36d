package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Executor-direct fetch with TLS: a gateway serving TLS (a self-signed certificate made with
 * openssl) on a one-Worker standalone cluster; its executor serves {@code grpc+tls} with the same
 * certificate, a client trusting it reads every row there, a plaintext client reads nothing.
 */
class ExecutorDirectFetchTlsTest {
  private static final long ROWS = 300_000;

  @Test
  void executorEndpointsUseTheGatewaysTls() throws Exception {
    Path dir = Files.createTempDirectory("libra-direct-tls-");
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    try (StandaloneCluster cluster = StandaloneCluster.start(StandaloneClusterTest.sparkJars(),
            1, 2, "1g");
        GatewayProcess g = GatewayProcess.start(dir.resolve("work"),
            "spark.master=" + cluster.masterUrl, "spark.executor.memory=1g",
            "spark.executor.cores=2", "spark.cores.max=2",
            "spark.sql.catalogImplementation=in-memory",
            "libra.results.bytes-per-endpoint=4096", "libra.tls.enabled=true",
            "libra.tls.cert-file=" + cert, "libra.tls.key-file=" + key);
        BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE)) {
      awaitServer(g);
      try (FlightClient gw = tls(allocator, Location.forGrpcTls("127.0.0.1", g.port), cert);
          FlightSqlClient sql = new FlightSqlClient(gw)) {
        FlightInfo info = sql.execute("SELECT id, CAST(id AS STRING) AS s FROM range(0, " + ROWS
            + ", 1, 4)");
        assertEquals(1, info.getEndpoints().size(), "one executor, one endpoint: " + info);
        FlightEndpoint e = info.getEndpoints().get(0);
        Location at = e.getLocations().get(0);
        assertEquals("grpc+tls", at.getUri().getScheme(), at.toString());
        try (FlightClient plain = FlightClient.builder(allocator, Location.forGrpcInsecure(
                at.getUri().getHost(), at.getUri().getPort())).build()) {
          assertThrows(FlightRuntimeException.class, () -> {
            try (FlightStream s = plain.getStream(e.getTicket())) {
              s.next();
            }
          }, "a plaintext client of the executor's TLS port");
        }
        long rows = 0;
        long sum = 0;
        try (FlightClient c = tls(allocator, at, cert); FlightStream s = c.getStream(e.getTicket())) {
          while (s.next()) {
            org.apache.arrow.vector.BigIntVector id =
                (org.apache.arrow.vector.BigIntVector) s.getRoot().getVector("id");
            for (int i = 0; i < s.getRoot().getRowCount(); i++) {
              sum += id.get(i);
            }
            rows += s.getRoot().getRowCount();
          }
        }
        assertEquals(ROWS, rows);
        assertEquals(ROWS * (ROWS - 1) / 2, sum);
      }
    }
  }

  private static FlightClient tls(BufferAllocator allocator, Location at, Path cert)
      throws Exception {
    try (InputStream in = Files.newInputStream(cert)) {
      return FlightClient.builder(allocator, at).trustedCertificates(in).build();
    }
  }

  private static void awaitServer(GatewayProcess g) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!g.output().contains("serves its result blocks at grpc+tls://")) {
      assertTrue(System.nanoTime() < deadline, "no executor result server:\n" + g.output());
      Thread.sleep(200);
    }
  }
}
