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
    return sha256Hex(secret, 12);
  }

  /** The first {@code digits} (at most 64) lower-case hex digits of {@code text}'s SHA-256. */
  public static String sha256Hex(String text, int digits) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, digits);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
