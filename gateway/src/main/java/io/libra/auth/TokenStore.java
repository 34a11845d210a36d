package io.libra.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * Bearer tokens issued after a successful Basic login: 256 random bits ({@link SecureRandom}),
 * valid for {@code ttl} after issue, mapped to their user. Tokens are never logged.
 */
public final class TokenStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Cache<String, String> tokens;

  public TokenStore(Duration ttl) {
    this.tokens = Caffeine.newBuilder().expireAfterWrite(ttl).build();
  }

  /** A new token for {@code user}. */
  public String issue(String user) {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    tokens.put(token, user);
    return token;
  }

  /** The user of a valid token, or null when unknown or expired. */
  public String user(String token) {
    return tokens.getIfPresent(token);
  }
}
