package io.libra.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Executor tickets: what verifies, and every way one does not. */
class DirectTicketTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef"
      .getBytes(StandardCharsets.US_ASCII);
  private static final Schema SCHEMA = new Schema(List.of(
      Field.nullable("id", new ArrowType.Int(64, true))));
  private static final long NOW = 1_800_000_000_000L;

  private static DirectTicket ticket(String stream, String executor) {
    return new DirectTicket(stream, NOW + 60_000, SCHEMA, executor);
  }

  @Test
  void aSignedTicketVerifiesWithItsFields() throws Exception {
    DirectTicket t = ticket("abc", "7");
    byte[] bytes = t.sign(SECRET);
    assertTrue(DirectTicket.looksLikeOne(bytes));
    DirectTicket back = DirectTicket.verify(SECRET, bytes, NOW);
    assertEquals(t, back);
    assertEquals(SCHEMA, back.schema());
  }

  @Test
  void alteredForgedExpiredAndForeignTicketsAreRefused() {
    byte[] bytes = ticket("abc", "1").sign(SECRET);
    for (int i = 0; i < bytes.length; i++) { // every single-bit change of any byte
      byte[] altered = bytes.clone();
      altered[i] ^= 1;
      assertThrows(DirectTicket.InvalidTicketException.class,
          () -> DirectTicket.verify(SECRET, altered, NOW), "byte " + i);
    }
    byte[] other = "another secret of 32 bytes......".getBytes(StandardCharsets.US_ASCII);
    assertThrows(DirectTicket.InvalidTicketException.class,
        () -> DirectTicket.verify(other, bytes, NOW));
    DirectTicket.InvalidTicketException expired = assertThrows(
        DirectTicket.InvalidTicketException.class,
        () -> DirectTicket.verify(SECRET, bytes, NOW + 60_001));
    assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
    // Signed, then bytes appended (a trailing field smuggled in before a recomputed MAC is
    // impossible without the secret, but a signed body with extra bytes must not parse either).
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(DirectTicket.InvalidTicketException.class,
        () -> DirectTicket.verify(SECRET, longer, NOW));
    assertFalse(DirectTicket.looksLikeOne(new byte[3]));
    assertThrows(DirectTicket.InvalidTicketException.class,
        () -> DirectTicket.verify(SECRET, new byte[100], NOW));
  }
}
