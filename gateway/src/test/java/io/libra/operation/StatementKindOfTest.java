package io.libra.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The kind metrics and libra.queries show, also for texts that BI tools start with comments. */
class StatementKindOfTest {
  @Test
  void kindsAfterCommentsAndParentheses() {
    assertEquals("query", OperationRunner.kindOf("SELECT 1"));
    assertEquals("query", OperationRunner.kindOf("/* dashboard 7 */ SELECT 1"));
    assertEquals("query", OperationRunner.kindOf("-- report\n  (SELECT 1) UNION (SELECT 2)"));
    assertEquals("query", OperationRunner.kindOf("/* a */ /* b\n */ SET x = 1"));
    assertEquals("update", OperationRunner.kindOf("/* etl */ INSERT INTO t VALUES (1)"));
    assertEquals("procedure", OperationRunner.kindOf("-- job\nCALL libra.job_status('x')"));
    assertEquals("ingest", OperationRunner.kindOf("default.t (bulk ingest)"));
    assertEquals("update", OperationRunner.kindOf("/* unclosed comment SELECT 1"));
  }
}
