package io.libra.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Users and their password hashes from {@code conf/users.properties} ({@code libra.auth.users-file}):
 * one line {@code name = pbkdf2-sha256$…} per user, written by {@code scripts/libra user add NAME}.
 */
public final class UserStore {
  private final Map<String, String> hashes;

  private UserStore(Map<String, String> hashes) {
    this.hashes = hashes;
  }

  /**
   * @throws IllegalArgumentException naming the file and user for a malformed entry
   */
  public static UserStore load(Path file) throws IOException {
    Map<String, String> hashes = new TreeMap<>();
    if (Files.exists(file)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      for (String user : p.stringPropertyNames()) {
        String h = p.getProperty(user).trim();
        if (!h.startsWith(PasswordHasher.SCHEME + "$") || h.split("\\$").length != 4) {
          throw new IllegalArgumentException(file + ": user '" + user
              + "' has no valid password hash (use scripts/libra user add " + user + ")");
        }
        hashes.put(user, h);
      }
    }
    return new UserStore(hashes);
  }

  /** Whether {@code user} exists and {@code password} is theirs. */
  public boolean check(String user, char[] password) {
    String stored = hashes.get(user);
    if (stored == null) {
      // Same work for unknown users, so timing does not reveal which names exist.
      PasswordHasher.verify(password, DUMMY);
      return false;
    }
    return PasswordHasher.verify(password, stored);
  }

  private static final String DUMMY = PasswordHasher.hash("dummy".toCharArray());

  public int size() {
    return hashes.size();
  }

  /** Adds or replaces {@code user} in {@code file} (created if missing), keeping other lines. */
  public static void put(Path file, String user, char[] password) throws IOException {
    if (!user.matches("[A-Za-z0-9_.@-]+")) {
      throw new IllegalArgumentException("user names may use letters, digits and _ . @ -");
    }
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
    }
    p.setProperty(user, PasswordHasher.hash(password));
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "Libra users: name = salted PBKDF2 hash. Edit with scripts/libra user add NAME.");
    }
  }
}
