package io.libra.operation;

import java.nio.charset.StandardCharsets;

/**
 * Refuses SQL text the parser should never see, before it is parsed: text longer than
 * {@code libra.sql.max-text-bytes} (UTF-8 bytes), or nested deeper than
 * {@code libra.sql.max-nesting-depth} levels of parentheses or brackets (counted outside string
 * literals, quoted identifiers and comments). Spark's parser takes minutes, or overflows its
 * stack, on such input; this check takes one pass over the text. A refusal is an
 * {@link IllegalArgumentException} (Flight INVALID_ARGUMENT) naming the setting.
 */
public final class SqlTextLimits {
  private final long maxBytes;
  private final int maxDepth;

  /**
   * @param maxBytes longest text accepted, in UTF-8 bytes
   * @param maxDepth deepest nesting of ( and [ accepted
   */
  public SqlTextLimits(long maxBytes, int maxDepth) {
    this.maxBytes = maxBytes;
    this.maxDepth = maxDepth;
  }

  /** @throws IllegalArgumentException naming the limit {@code sql} is over */
  public void check(String sql) {
    // A char is at most 3 UTF-8 bytes: count exactly only when the length alone cannot decide.
    if ((long) sql.length() * 3 > maxBytes) {
      long bytes = sql.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        throw new IllegalArgumentException("the statement is " + bytes + " bytes long, over the"
            + " gateway's limit of " + maxBytes + " bytes (libra.sql.max-text-bytes)");
      }
    }
    int depth = deepestNesting(sql);
    if (depth > maxDepth) {
      throw new IllegalArgumentException("the statement nests parentheses or brackets " + depth
          + " levels deep, over the gateway's limit of " + maxDepth
          + " (libra.sql.max-nesting-depth)");
    }
  }

  /** The deepest nesting of ( and [ outside quotes ('…', "…", `…`) and comments (--, /* *\/). */
  static int deepestNesting(String sql) {
    int depth = 0;
    int deepest = 0;
    int n = sql.length();
    for (int i = 0; i < n; i++) {
      char c = sql.charAt(i);
      switch (c) {
        case '(', '[' -> deepest = Math.max(deepest, ++depth);
        case ')', ']' -> depth = Math.max(0, depth - 1);
        case '\'', '"', '`' -> i = endOfQuoted(sql, i, c);
        case '-' -> {
          if (i + 1 < n && sql.charAt(i + 1) == '-') {
            int eol = sql.indexOf('\n', i);
            i = eol < 0 ? n : eol;
          }
        }
        case '/' -> {
          if (i + 1 < n && sql.charAt(i + 1) == '*') {
            int end = sql.indexOf("*/", i + 2);
            i = end < 0 ? n : end + 1;
          }
        }
        default -> { }
      }
    }
    return deepest;
  }

  /** Index of the quote closing the one at {@code start} (backslash escapes), or the end. */
  private static int endOfQuoted(String sql, int start, char quote) {
    for (int i = start + 1; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\\' && quote != '`') {
        i++;
      } else if (c == quote) {
        return i;
      }
    }
    return sql.length();
  }
}
