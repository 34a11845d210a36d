package io.libra.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * Bearer tokens issued after a successful Basic login: 256 random bits ({@link SecureRandom}),
 * bound to their user, valid for {@code ttl} after issue until revoked ({@link #revoke}: the
 * session they were used on closed — CloseSession, idle expiry). Kept by their {@link #hash}
 * only, so neither the heap nor any log holds a usable token.
 */
public final class TokenStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Token hash to user. */
  private final Cache<String, String> tokens;

  public TokenStore(Duration ttl) {
    this.tokens = Caffeine.newBuilder().expireAfterWrite(ttl).build();
  }

  /** A new token for {@code user}. */
  public String issue(String user) {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    tokens.put(hash(token), user);
    return token;
  }

  /** The user of a valid token, or null when unknown, expired or revoked. */
  public String user(String token) {
    return tokens.getIfPresent(hash(token));
  }

  /** Ends the token whose {@link #hash} this is; later calls with it are UNAUTHENTICATED. */
  public void revoke(String tokenHash) {
    tokens.invalidate(tokenHash);
  }

  /**
   * A token's stand-in where one must be named (session ids, logs): 128 bits of its SHA-256, as
   * 32 hex digits; the token cannot be recovered from it.
   */
  public static String hash(String token) {
    return io.libra.util.PublicIds.sha256Hex(token, 32);
  }
}
