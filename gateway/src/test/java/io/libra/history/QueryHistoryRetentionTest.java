package io.libra.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention of the statement history is per user: one user's flood of statements keeps at most
 * their own newest rows (plus what arrived since the last prune) and never pushes out another
 * user's; SQL text is cut; rows older than the age limit go at open.
 */
class QueryHistoryRetentionTest {
  private static QueryRecord record(String user, String sql, Instant finished) {
    return new QueryRecord("id", "session", user, "127.0.0.1", "default", sql, "query",
        "FINISHED", finished, finished, finished, 1L, 10, null, null, null, "tag");
  }

  @Test
  void oneUsersFloodKeepsOnlyTheirOwnNewestRows() throws Exception {
    Path dir = Files.createTempDirectory("libra-history-").resolve("history_db");
    try (QueryHistory h = QueryHistory.open(dir, 100, Duration.ofDays(1), tag -> new int[] {7})) {
      for (int i = 0; i < 5; i++) {
        h.record(record("bob", "SELECT " + i, Instant.now()));
      }
      for (int i = 0; i < 450; i++) {
        h.record(record("mallory", "SELECT " + i + " /*" + "x".repeat(20_000) + "*/",
            Instant.now()));
      }
      assertTrue(h.awaitWritten(60_000));
      assertEquals(5, h.list("bob", false).size());
      List<QueryHistory.Row> flood = h.list("mallory", false);
      assertTrue(flood.size() <= 100 + 200 && flood.size() >= 100, "rows " + flood.size());
      assertEquals("SELECT 449", flood.get(0).record().sql().substring(0, 10), "newest first");
      assertEquals(QueryHistory.MAX_SQL_CHARS, flood.get(0).record().sql().length());
      assertEquals("7", flood.get(0).sparkJobIds());
      h.record(record("old", "SELECT 'old'", Instant.now().minus(Duration.ofDays(3))));
      assertTrue(h.awaitWritten(10_000));
    }
    try (QueryHistory h = QueryHistory.open(dir, 100, Duration.ofDays(1), tag -> new int[0])) {
      assertEquals(List.of(), h.list("old", false), "older than the age limit: gone at open");
      assertEquals(100, h.list("mallory", false).size(), "pruned to 100 at open");
      assertEquals(5, h.list("bob", false).size());
    }
  }
}
