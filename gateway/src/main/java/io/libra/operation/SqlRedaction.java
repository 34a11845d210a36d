package io.libra.operation;

import java.util.regex.Pattern;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.util.Utils;

/**
 * Masks secrets in SQL text before it becomes a Spark job description (Spark UI, event log) or a
 * log line: values that follow {@code password}, {@code secret}, {@code token} or an access/secret
 * key name ({@code OPTIONS (password 'x')}, {@code SET fs.s3a.secret.key=x}), then Spark's own
 * {@code spark.sql.redaction.string.regex} when the session sets one.
 */
public final class SqlRedaction {
  private static final Pattern SECRET = Pattern.compile(
      "(?i)((?:password|passwd|pwd|secret|token|credential|access[_.]?key|secret[_.]?key)"
          + "[\\w.]*['\"`]?\\s*(?:=|\\s)\\s*)('[^']*'|\"[^\"]*\"|[^\\s,)]+)");

  private SqlRedaction() {}

  public static String redact(SparkSession session, String sql) {
    String masked = SECRET.matcher(sql).replaceAll("$1'*********(redacted)'");
    return Utils.redact(session.sessionState().conf().stringRedactionPattern(), masked);
  }
}
