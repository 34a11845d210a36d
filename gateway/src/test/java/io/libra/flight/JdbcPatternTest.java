package io.libra.flight;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JdbcPatternTest {
  @Test
  void jdbcWildcardsAndEscape() {
    assertTrue(JdbcPattern.of(null).matches("anything"));
    assertTrue(JdbcPattern.of("line%").matches("lineitem"));
    assertTrue(JdbcPattern.of("LINE%").matches("lineitem"));
    assertFalse(JdbcPattern.of("line%").matches("orders"));
    assertTrue(JdbcPattern.of("t_1").matches("tx1"));
    assertFalse(JdbcPattern.of("t\\_1").matches("tx1"));
    assertTrue(JdbcPattern.of("t\\_1").matches("t_1"));
    assertTrue(JdbcPattern.of("a.b").matches("a.b"));
    assertFalse(JdbcPattern.of("a.b").matches("axb"));
    assertTrue(JdbcPattern.of("%").matches(""));
  }
}
