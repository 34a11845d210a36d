package io.libra.operation;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Opaque random ids for statement handles and tickets: 128 bits from {@link SecureRandom}, hex. */
public final class Handles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Handles() {}

  public static String newHandle() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
