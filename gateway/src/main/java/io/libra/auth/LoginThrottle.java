package io.libra.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Backs off password guessing: after {@code maxFailures} failed logins for one user name, or
 * {@code 4 × maxFailures} from one client address (many names guessed from one place), each
 * further attempt must wait — 1 s after the last failure, doubling with every failure after that,
 * at most {@link #MAX_DELAY} — and one made sooner is refused at once, before its password is
 * hashed, so a guesser costs the gateway almost nothing and other users' queries do not slow
 * down. A failure is forgotten {@link #MEMORY} after the last one of its key; a successful login
 * clears its user's count (not its address's: a guesser with one account of their own could
 * otherwise reset it).
 *
 * <p>{@code maxFailures} is {@code libra.auth.max-failed-logins}.
 */
public final class LoginThrottle {
  /** Longest wait between attempts. */
  static final Duration MAX_DELAY = Duration.ofMinutes(1);
  /** How long failures are remembered after the last one. */
  static final Duration MEMORY = Duration.ofMinutes(15);
  /** Failures from one address before it must wait, per {@code maxFailures}. */
  static final int ADDRESS_FACTOR = 4;

  private record Failures(int count, long lastNanos) {}

  private final int maxFailures;
  private final Cache<String, Failures> failures =
      Caffeine.newBuilder().expireAfterWrite(MEMORY).maximumSize(100_000).build();

  /** @param maxFailures failed logins per user name before attempts must wait, at least 1 */
  public LoginThrottle(int maxFailures) {
    this.maxFailures = Math.max(1, maxFailures);
  }

  /**
   * Milliseconds until {@code user} may try again from {@code address} (null: unknown), or 0.
   */
  public long waitMillis(String user, String address) {
    long now = System.nanoTime();
    long wait = waitMillis(failures.getIfPresent("user:" + user), maxFailures, now);
    if (address != null) {
      wait = Math.max(wait, waitMillis(failures.getIfPresent("address:" + address),
          maxFailures * ADDRESS_FACTOR, now));
    }
    return wait;
  }

  private static long waitMillis(Failures f, int allowed, long now) {
    if (f == null || f.count() < allowed) {
      return 0;
    }
    int over = Math.min(f.count() - allowed, 30);
    long delay = Math.min(MAX_DELAY.toMillis(), 1000L << over);
    long since = (now - f.lastNanos()) / 1_000_000;
    return Math.max(0, delay - since);
  }

  /** A login of {@code user} from {@code address} failed. */
  public void failed(String user, String address) {
    bump("user:" + user);
    if (address != null) {
      bump("address:" + address);
    }
  }

  /** A login of {@code user} succeeded: its own count starts again. */
  public void succeeded(String user) {
    failures.invalidate("user:" + user);
  }

  private void bump(String key) {
    long now = System.nanoTime();
    failures.asMap().merge(key, new Failures(1, now),
        (old, one) -> new Failures(old.count() + 1, now));
  }
}
