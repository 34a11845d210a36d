package io.libra.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Roles of users, from {@code conf/roles.properties} ({@code libra.auth.roles-file}): lines
 * {@code user = submit, admin}. {@value #SUBMIT} may submit jobs; {@value #ADMIN} sees and cancels
 * every user's jobs; {@value #FILES} may use server paths in SQL (LOCATION, queries over paths,
 * ADD JAR…; {@code io.libra.engine.FileAccessGuard}). A missing file gives nobody a role.
 */
public final class UserRoles {
  public static final String SUBMIT = "submit";
  public static final String ADMIN = "admin";
  public static final String FILES = "files";

  private final Map<String, Set<String>> roles;

  private UserRoles(Map<String, Set<String>> roles) {
    this.roles = roles;
  }

  /**
   * @throws IllegalArgumentException naming the file and user for an unknown role
   * @throws IOException when the file exists but cannot be read
   */
  public static UserRoles load(Path file) throws IOException {
    Map<String, Set<String>> roles = new TreeMap<>();
    if (Files.exists(file)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      for (String user : p.stringPropertyNames()) {
        Set<String> set = new TreeSet<>();
        for (String role : p.getProperty(user).split(",")) {
          String name = role.trim().toLowerCase(Locale.ROOT);
          if (name.isEmpty()) {
            continue;
          }
          if (!name.equals(SUBMIT) && !name.equals(ADMIN) && !name.equals(FILES)) {
            throw new IllegalArgumentException(file + ": user '" + user + "' has unknown role '"
                + name + "' (known: submit, admin, files)");
          }
          set.add(name);
        }
        roles.put(user, set);
      }
    }
    return new UserRoles(roles);
  }

  /** Roles given in code (tests). */
  public static UserRoles of(Map<String, Set<String>> roles) {
    return new UserRoles(new TreeMap<>(roles));
  }

  public boolean has(String user, String role) {
    return roles.getOrDefault(user, Set.of()).contains(role);
  }
}
