package io.libra.session;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Chooses the Spark FAIR scheduler pool ({@code spark.scheduler.pool}) of a statement. First match
 * wins: the session option {@code pool}; the call header {@code pool} (a JDBC URL property
 * {@code ?pool=x} arrives as one; ADBC sends {@code adbc.flight.sql.rpc.call_header.pool}); the
 * user's default from the user-to-pool map ({@code conf/pools.properties}); {@code default}.
 *
 * <p>Known pools are the ones Spark loaded from {@code spark.scheduler.allocation.file}
 * ({@code SparkContext.getAllPools}) — Spark would silently create any other name. The map file
 * has lines {@code user = firstPool, otherPool…}: the first is the user's default, all listed are
 * the pools that user may use; users not in the file may use every pool.
 */
public final class PoolAssigner {
  public static final String DEFAULT_POOL = "default";

  private final Set<String> pools;
  private final Map<String, List<String>> userPools;

  public PoolAssigner(Set<String> pools, Map<String, List<String>> userPools) {
    this.pools = new TreeSet<>(pools);
    this.pools.add(DEFAULT_POOL);
    this.userPools = new TreeMap<>(userPools);
    for (Map.Entry<String, List<String>> e : this.userPools.entrySet()) {
      for (String p : e.getValue()) {
        if (!this.pools.contains(p)) {
          throw new IllegalArgumentException("pools.properties: user '" + e.getKey()
              + "' maps to pool '" + p + "', which is not in fairscheduler.xml (known: "
              + this.pools + ")");
        }
      }
    }
  }

  /**
   * Pool names declared in a Spark allocation file ({@code <pool name="…">}). Used beside
   * {@code SparkContext.getAllPools}, which lists no pools when {@code spark.scheduler.mode=FIFO}.
   */
  public static Set<String> readAllocationFile(Path file) throws Exception {
    Set<String> names = new TreeSet<>();
    if (file == null || !Files.exists(file)) {
      return names;
    }
    javax.xml.parsers.DocumentBuilderFactory f =
        javax.xml.parsers.DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    org.w3c.dom.NodeList pools = f.newDocumentBuilder().parse(file.toFile())
        .getElementsByTagName("pool");
    for (int i = 0; i < pools.getLength(); i++) {
      String name = ((org.w3c.dom.Element) pools.item(i)).getAttribute("name");
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /** Reads {@code user = pool, pool…} lines; a missing file means no mapping. */
  public static Map<String, List<String>> readUserMap(Path file) throws IOException {
    Map<String, List<String>> map = new TreeMap<>();
    if (file == null || !Files.exists(file)) {
      return map;
    }
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    }
    for (String user : props.stringPropertyNames()) {
      List<String> list = new ArrayList<>(new LinkedHashSet<>(Arrays.stream(
          props.getProperty(user).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()));
      if (list.isEmpty()) {
        throw new IllegalArgumentException(file + ": user '" + user + "' lists no pool");
      }
      map.put(user, list);
    }
    return map;
  }

  public Set<String> pools() {
    return pools;
  }

  /**
   * Checks that {@code user} may use {@code pool}.
   *
   * @throws IllegalArgumentException naming the key, the pool and what is allowed
   */
  public void validate(String user, String pool, String source) {
    if (!pools.contains(pool)) {
      throw new IllegalArgumentException(source + ": unknown pool '" + pool
          + "' (pools in fairscheduler.xml: " + String.join(", ", pools) + ")");
    }
    List<String> allowed = userPools.get(user);
    if (allowed != null && !allowed.contains(pool)) {
      throw new IllegalArgumentException(source + ": user '" + user + "' may not use pool '"
          + pool + "' (allowed: " + String.join(", ", allowed) + ")");
    }
  }

  /**
   * The pool of a statement.
   *
   * @param sessionOption session option {@code pool} or null
   * @param header call header {@code pool} or null
   */
  public String choose(String user, String sessionOption, String header) {
    if (sessionOption != null) {
      validate(user, sessionOption, "session option 'pool'");
      return sessionOption;
    }
    if (header != null && !header.isBlank()) {
      validate(user, header.trim(), "call header 'pool'");
      return header.trim();
    }
    List<String> mapped = userPools.get(user);
    return mapped != null ? mapped.get(0) : DEFAULT_POOL;
  }
}
