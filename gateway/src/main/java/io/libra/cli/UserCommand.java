package io.libra.cli;

import io.libra.auth.UserStore;
import io.libra.config.LibraConfig;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code libra user add NAME}: adds or replaces a user in the users file (salted PBKDF2 hash). */
@Command(name = "user", description = "Manage users.", subcommands = {UserCommand.Add.class})
final class UserCommand {
  @Command(name = "add", description = "Add a user, or set a new password for one.")
  static final class Add implements Callable<Integer> {
    @Mixin GatewayOptions options;

    @Parameters(index = "0", description = "User name (letters, digits, _ . @ -).")
    String name;

    @Option(names = "--password-stdin",
        description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
      LibraConfig config = options.libraConfig();
      Path file = config.confDir().resolve(config.get(LibraConfig.AUTH_USERS_FILE));
      char[] password = passwordStdin ? readStdin() : prompt();
      if (password.length < 8) {
        throw new IllegalArgumentException("the password must have at least 8 characters");
      }
      UserStore.put(file, name, password);
      Arrays.fill(password, '\0');
      System.out.println("user '" + name + "' written to " + file
          + " (takes effect at the next start)");
      return 0;
    }

    private static char[] readStdin() throws Exception {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
      if (line == null) {
        throw new IllegalArgumentException("no password on standard input");
      }
      return line.toCharArray();
    }

    private static char[] prompt() {
      Console console = System.console();
      if (console == null) {
        throw new IllegalArgumentException("no terminal: use --password-stdin");
      }
      char[] first = console.readPassword("Password: ");
      char[] second = console.readPassword("Again: ");
      if (!Arrays.equals(first, second)) {
        throw new IllegalArgumentException("the passwords differ");
      }
      return first;
    }
  }
}
