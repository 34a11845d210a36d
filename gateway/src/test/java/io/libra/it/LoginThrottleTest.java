package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.auth.UserStore;
import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * A password guesser is slowed down without slowing anyone else: after
 * {@code libra.auth.max-failed-logins} (5) failures for a user, each further attempt must wait
 * (1 s, doubling), one made sooner is refused at once without its password being hashed; many
 * user names guessed from one address back off too. Through FlightClient's Basic login.
 */
class LoginThrottleTest {
  private static LibraServer start() throws Exception {
    Path conf = Files.createTempDirectory("libra-throttle-");
    for (String user : new String[] {"alice", "bob"}) {
      UserStore.put(conf.resolve("users.properties"), user, (user + "-pw").toCharArray());
    }
    return LibraServer.start(LibraConfig.load(conf, conf, Map.of(), Map.of(
        "libra.server.port", "0", "libra.auth.enabled", "true")), TestGateway.get().spark);
  }

  private static FlightClient client(RootAllocator a, LibraServer server) {
    return FlightClient.builder(a, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
  }

  /** Milliseconds of each of {@code n} SELECT 1 round trips (GetFlightInfo and DoGet). */
  private static long[] selectOne(FlightSqlClient sql, CallOption auth, int n) throws Exception {
    long[] ms = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      try (FlightStream s = sql.getStream(sql.execute("SELECT 1", auth).getEndpoints().get(0)
          .getTicket(), auth)) {
        while (s.next()) {
          // read it all
        }
      }
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
    }
    return ms;
  }

  private static double p50(long[] ms) {
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String loginError(FlightClient c, String user, String password) {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> c.authenticateBasicToken(user, password));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, e.status().code(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void twoHundredGuessesAgainstOneUserBackOffWithoutSlowingOthers() throws Exception {
    try (LibraServer server = start(); RootAllocator a = new RootAllocator();
        FlightClient bobClient = client(a, server); FlightClient guesser = client(a, server)) {
      CallOption bob = bobClient.authenticateBasicToken("bob", "bob-pw").orElseThrow();
      FlightSqlClient bobSql = new FlightSqlClient(bobClient);
      selectOne(bobSql, bob, 10); // warm up
      double idle = p50(selectOne(bobSql, bob, 40));
      // 200 failed logins against alice in 10 s, paced as a remote guesser would send them.
      CompletableFuture<Integer> attack = CompletableFuture.supplyAsync(() -> {
        int throttled = 0;
        for (int i = 0; i < 200; i++) {
          if (loginError(guesser, "alice", "guess-" + i).contains("too many failed logins")) {
            throttled++;
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
        return throttled;
      });
      java.util.List<Long> during = new java.util.ArrayList<>();
      while (!attack.isDone()) {
        for (long ms : selectOne(bobSql, bob, 5)) {
          during.add(ms);
        }
      }
      double underAttack = p50(during.stream().mapToLong(Long::longValue).toArray());
      int throttled = attack.get(60, TimeUnit.SECONDS);
      // 5 failures, then one real attempt per 1, 2, 4, ... s: nearly all 200 are refused at once.
      assertTrue(throttled >= 180, "attempts refused without a password check: " + throttled);
      assertTrue(underAttack <= 1.5 * idle, "bob's SELECT 1 p50: " + underAttack
          + " ms under attack, " + idle + " ms idle");
      // alice herself must wait too (her account is the one being guessed) ...
      String aliceNow = loginError(bobClient, "alice", "alice-pw");
      assertTrue(aliceNow.contains("libra.auth.max-failed-logins"), aliceNow);
      // ... bob's session goes on.
      assertEquals(3, selectOne(bobSql, bob, 3).length);
    }
  }

  @Test
  void manyUserNamesGuessedFromOneAddressBackOff() throws Exception {
    try (LibraServer server = start(); RootAllocator a = new RootAllocator();
        FlightClient guesser = client(a, server)) {
      for (int i = 0; i < 20; i++) { // 4 x 5 failures from 127.0.0.1, each for another name
        assertTrue(loginError(guesser, "user" + i, "x").contains("invalid user name or password"));
      }
      String next = loginError(guesser, "someone-else", "x");
      assertTrue(next.contains("too many failed logins"), next);
    }
  }
}
