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

  private static DirectTicket ticket(String stream, List<String> blocks) {
    return new DirectTicket(stream, NOW + 60_000, SCHEMA, blocks, List.of(3, 1).subList(0,
        blocks.size()));
  }

  @Test
  void aSignedTicketVerifiesWithItsFields() throws Exception {
    DirectTicket t = ticket("abc", List.of("test_libra_abc_0_0_0", "test_libra_abc_1_0_0"));
    byte[] bytes = t.sign(SECRET);
    assertTrue(DirectTicket.looksLikeOne(bytes));
    DirectTicket back = DirectTicket.verify(SECRET, bytes, NOW);
    assertEquals(t, back);
    assertEquals(SCHEMA, back.schema());
  }

  @Test
  void alteredForgedExpiredAndForeignTicketsAreRefused() {
    byte[] bytes = ticket("abc", List.of("test_libra_abc_0_0_0")).sign(SECRET);
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
    // Signed with the right secret but naming another result's block: refused all the same.
    byte[] foreign = ticket("abc", List.of("test_libra_xyz_0_0_0")).sign(SECRET);
    DirectTicket.InvalidTicketException e = assertThrows(
        DirectTicket.InvalidTicketException.class,
        () -> DirectTicket.verify(SECRET, foreign, NOW));
    assertTrue(e.getMessage().contains("another result"), e.getMessage());
    byte[] prefixTrick = ticket("ab", List.of("test_libra_abc_0_0_0")).sign(SECRET);
    assertThrows(DirectTicket.InvalidTicketException.class,
        () -> DirectTicket.verify(SECRET, prefixTrick, NOW));
    assertFalse(DirectTicket.looksLikeOne(new byte[3]));
    assertThrows(DirectTicket.InvalidTicketException.class,
        () -> DirectTicket.verify(SECRET, new byte[100], NOW));
  }
}
