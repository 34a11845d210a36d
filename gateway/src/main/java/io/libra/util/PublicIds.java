package io.libra.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a secret id is shown wherever others may see it — {@code libra.log}, Spark job tags and
 * descriptions (the Spark UI), thread names, error messages: the first 48 bits of its SHA-256, as
 * 12 hex digits. Statement handles (inside tickets), session ids (the session cookie) and bearer
 * tokens are capabilities of their owner's client; their public id names them for an operator
 * without letting anyone use them. The same id always shows as the same text, so log lines of
 * one statement or session still go together.
 */
public final class PublicIds {
  private PublicIds() {}

  /** The public id of {@code secret} (12 lower-case hex digits). */
  public static String of(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
