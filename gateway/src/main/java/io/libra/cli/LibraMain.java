package io.libra.cli;

import io.libra.config.LibraConfig;
import io.libra.engine.SparkEngine;
import io.libra.flight.LibraServer;
import io.libra.tpch.TpchLoader;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line of the gateway JVM ({@code scripts/libra} calls it): {@code run} serves Flight SQL in
 * the foreground, {@code load-tpch} creates the TPC-H sample database.
 */
@Command(name = "libra", mixinStandardHelpOptions = true, version = "Libra 0.1.0",
    subcommands = {LibraMain.Run.class, LibraMain.LoadTpch.class, UserCommand.class},
    description = "Arrow Flight SQL gateway for Apache Spark.")
public final class LibraMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(LibraMain.class);

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 2;
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new LibraMain());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        cmd.getErr().println("libra: configuration error: " + e.getMessage());
        return 2;
      }
      if (e instanceof IllegalStateException && e.getMessage().startsWith("refusing to run")) {
        cmd.getErr().println("libra: " + e.getMessage());
        LOG.error(e.getMessage());
        return 2;
      }
      cmd.getErr().println("libra: " + e);
      LOG.error("failed", e);
      return 1;
    });
    int code = cli.execute(args);
    if (code != 0 || args.length == 0 || !"run".equals(args[0])) {
      System.exit(code);
    }
  }

  /** {@code libra run}: start Spark, load sample data if configured, serve until stopped. */
  @Command(name = "run", description = "Run the gateway in the foreground.")
  static final class Run implements Callable<Integer> {
    @Mixin GatewayOptions options;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      LibraConfig config = options.libraConfig();
      RootCheck.check(config, RootCheck.currentUid());
      String host = config.get(LibraConfig.SERVER_HOST);
      boolean loopback = InetAddress.getByName(host).isLoopbackAddress();
      // Live (not ready) while Spark starts and the catalog warms.
      io.libra.metrics.OpsServer ops = io.libra.metrics.OpsServer.start(config);
      SparkEngine engine = SparkEngine.start(options.sparkConfig(config), config.workDir(),
          loopback, host);
      double scale = config.get(LibraConfig.TPCH_SCALE);
      if (scale > 0 && !TpchLoader.exists(engine.rootSession())) {
        TpchLoader.load(engine.rootSession(), scale);
      }
      LibraServer server = LibraServer.start(config, engine.rootSession(), ops);
      // SIGTERM (scripts/libra stop) and SIGINT (Ctrl-C) drain first, then exit: only then do the
      // shutdown hooks run, Spark's among them (run beside a drain, Spark's hook would stop the
      // SparkContext at once, and Hadoop's hook manager allows its hooks 30 s).
      java.util.concurrent.atomic.AtomicBoolean stopped =
          new java.util.concurrent.atomic.AtomicBoolean();
      Runnable stop = () -> {
        if (stopped.compareAndSet(false, true)) {
          try {
            server.close();
          } catch (Exception e) {
            LOG.warn("error while stopping the server", e);
          }
          engine.close();
        }
      };
      for (String signal : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
          Thread t = new Thread(() -> {
            LOG.info("SIG{}: draining, then stopping", s.getName());
            stop.run();
            System.exit(0);
          }, "libra-stop");
          t.start();
        });
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "libra-shutdown")); // other exits
      // The URL a client uses: TLS gateways need useEncryption=true (a self-signed certificate
      // also disableCertificateVerification=true, see docs/sessions.md).
      LOG.info("Libra ready in {} ms: jdbc:arrow-flight-sql://{}:{}/?useEncryption={}"
              + "  (Spark UI {})", (System.nanoTime() - t0) / 1_000_000, host, server.port(),
          config.get(LibraConfig.TLS_ENABLED), engine.uiUrl());
      System.out.println("LIBRA READY port=" + server.port());
      server.awaitTermination();
      return 0;
    }
  }

  /** {@code libra load-tpch --scale S}: (re)create database tpch and exit. */
  @Command(name = "load-tpch", description = "Create database tpch with the eight TPC-H tables.")
  static final class LoadTpch implements Callable<Integer> {
    @Mixin GatewayOptions options;

    @Option(names = "--scale", defaultValue = "0.01",
        description = "TPC-H scale factor (default ${DEFAULT-VALUE}; 1 = 6M lineitem rows).")
    double scale;

    @Override
    public Integer call() throws Exception {
      LibraConfig config = options.libraConfig();
      boolean loopback = InetAddress.getByName(config.get(LibraConfig.SERVER_HOST))
          .isLoopbackAddress();
      try (SparkEngine engine = SparkEngine.start(options.sparkConfig(config), config.workDir(),
          loopback)) {
        TpchLoader.load(engine.rootSession(), scale);
        long rows = engine.rootSession().table("tpch.lineitem").count();
        System.out.println("loaded TPC-H scale " + scale + ": tpch.lineitem has " + rows + " rows");
      }
      return 0;
    }
  }
}
