package io.libra.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.libra.it.TestGateway;
import org.junit.jupiter.api.Test;

class SqlRedactionTest {
  @Test
  void secretsAreMasked() throws Exception {
    var spark = TestGateway.get().spark.newSession();
    String sql = "CREATE TABLE t USING jdbc OPTIONS (url 'jdbc:x', user 'bob', password 'hunter2')";
    String r = SqlRedaction.redact(spark, sql);
    assertFalse(r.contains("hunter2"), r);
    assertTrue(r.contains("user 'bob'"), r);
    String set = SqlRedaction.redact(spark, "SET spark.hadoop.fs.s3a.secret.key=AKIAXYZ");
    assertFalse(set.contains("AKIAXYZ"), set);
    assertEquals("SELECT 1", SqlRedaction.redact(spark, "SELECT 1"));
  }
}
