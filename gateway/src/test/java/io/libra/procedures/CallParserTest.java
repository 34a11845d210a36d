package io.libra.procedures;

import static io.libra.procedures.ProcedureParameter.Type.INT;
import static io.libra.procedures.ProcedureParameter.Type.STRING;
import static io.libra.procedures.ProcedureParameter.Type.STRING_ARRAY;
import static io.libra.procedures.ProcedureParameter.Type.STRING_MAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallParserTest {
  private static final List<ProcedureParameter> PARAMS = List.of(
      ProcedureParameter.required("kind", STRING), ProcedureParameter.required("resource", STRING),
      ProcedureParameter.optional("args", STRING_ARRAY),
      ProcedureParameter.optional("conf", STRING_MAP), ProcedureParameter.optional("tail", INT));

  @Test
  void recognisesOnlyLibraCalls() {
    assertTrue(CallParser.isLibraCall("CALL libra.job_status('x')"));
    assertTrue(CallParser.isLibraCall("  -- comment\n /* c */ call `libra`.job_log('x')"));
    assertFalse(CallParser.isLibraCall("CALL other.proc()"));
    assertFalse(CallParser.isLibraCall("SELECT 'CALL libra.x()'"));
    assertFalse(CallParser.isLibraCall("SELECT * FROM libra.jobs"));
  }

  @Test
  void parsesNamedPositionalArrayAndMap() {
    ProcedureCall c = CallParser.parse("CALL libra.submit_job('jar', resource => '/a/b.jar',"
        + " args => ARRAY['a', 'b'], conf => MAP['spark.executor.memory', '2g', 'spark.x', 3],"
        + " tail => -5, name => 'nightly');");
    assertEquals("submit_job", c.name());
    assertEquals(List.of("jar"), c.positional());
    assertEquals("/a/b.jar", c.named().get("resource"));
    assertEquals(List.of("a", "b"), c.named().get("args"));
    assertEquals(Map.of("spark.executor.memory", "2g", "spark.x", new BigDecimal(3)),
        c.named().get("conf"));
    assertEquals(new BigDecimal(-5), c.named().get("tail"));
    ProcedureArguments a = ProcedureArguments.bind("submit_job", PARAMS, new ProcedureCall(
        c.name(), c.positional(), Map.of("resource", "/a/b.jar", "conf", c.named().get("conf"),
            "tail", c.named().get("tail"))));
    assertEquals("jar", a.string("kind"));
    assertEquals(Map.of("spark.executor.memory", "2g", "spark.x", "3"), a.map("conf"));
    assertEquals(-5, a.integer("tail", 0));
  }

  @Test
  void badCallsNameTheArgument() {
    assertMessage("argument 'resource' of libra.p is required",
        () -> bind("CALL libra.p(kind => 'jar')"));
    assertMessage("argument 'args' of libra.p must be ARRAY[...] of strings, got 5",
        () -> bind("CALL libra.p('jar', '/x', args => 5)"));
    assertMessage("libra.p has no argument 'nope'", () -> bind("CALL libra.p('a', 'b', nope => 1)"));
    assertMessage("argument 'kind' of libra.p is given both",
        () -> bind("CALL libra.p('a', 'b', kind => 'c')"));
    assertMessage("argument 'tail' of libra.p must be an integer, got 1.5",
        () -> bind("CALL libra.p('a', 'b', tail => 1.5)"));
    assertMessage("syntax error in CALL", () -> CallParser.parse("CALL libra.p('a'"));
    assertMessage("argument 'kind': only literals", () -> CallParser.parse("CALL libra.p(kind => x)"));
    assertMessage("argument 'conf': MAP[…] needs key, value pairs, got 1 elements",
        () -> CallParser.parse("CALL libra.p(conf => MAP['spark.driver.extraJavaOptions'])"));
  }

  private static void bind(String sql) {
    ProcedureArguments.bind("p", PARAMS, CallParser.parse(sql));
  }

  private static void assertMessage(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
