package io.libra.operation;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.libra.it.TestGateway;
import io.libra.session.ClientSession;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.junit.jupiter.api.Test;

/** The kept analysis is handed over once, to the same handle, and only with no write since. */
class JustPreparedTest {
  @Test
  void handsTheDatasetToTheFirstExecutionOnlyWhileNothingChanged() throws Exception {
    AtomicLong writes = new AtomicLong();
    JustPrepared kept = new JustPrepared(writes::get);
    var sessions = TestGateway.get().server.sessions();
    ClientSession session = sessions.getOrCreate("just-prepared-test", "anonymous", false, null);
    Runnable nextCall = () -> sessions.getOrCreate(session.id(), "anonymous", false, null);
    try {
      Dataset<Row> ds = TestGateway.get().spark.sql("SELECT 1");
      kept.remember(session, "h1", ds);
      nextCall.run();
      assertSame(ds, kept.take(session, "h1"), "the first execution");
      assertNull(kept.take(session, "h1"), "only once");

      kept.remember(session, "h1", ds);
      nextCall.run();
      assertNull(kept.take(session, "h2"), "another handle");
      assertNull(kept.take(session, "h1"), "taken by the miss");

      kept.remember(session, "h1", ds);
      nextCall.run();
      writes.incrementAndGet();
      assertNull(kept.take(session, "h1"), "a table was written since");

      kept.remember(session, "h1", ds);
      nextCall.run();
      nextCall.run();
      assertNull(kept.take(session, "h1"), "the session made another call");
    } finally {
      TestGateway.get().server.sessions().close(session.id());
    }
  }
}
