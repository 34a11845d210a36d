package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The gateway refuses to run as root unless {@code libra.server.allow-root=true} is set, and then
 * warns: through the real command line ({@code LibraMain run}, what {@code scripts/libra start}
 * runs). Only as root (as CI runs); elsewhere there is nothing to refuse.
 */
class RootCheckTest {
  @Test
  void asRootTheGatewayRefusesUnlessAllowedAndThenWarns() throws Exception {
    assumeTrue(GatewayProcess.isRoot(), "runs only as root");
    Path work = Files.createTempDirectory("libra-root-");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> GatewayProcess.start(work, "libra.server.allow-root=false").close());
    assertTrue(refused.getMessage().contains("refusing to run as root (uid 0)")
        && refused.getMessage().contains("service user")
        && refused.getMessage().contains("libra.server.allow-root=true"), refused.getMessage());
    try (GatewayProcess allowed = GatewayProcess.start(work, "libra.server.allow-root=true")) {
      assertTrue(allowed.startLog.contains("running as root (libra.server.allow-root=true)"),
          allowed.startLog);
    }
  }
}
