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
  /**
   * A secret's name (password, secret, token, credential, access/secret/account/private key, SAS),
   * optionally quoted, then {@code =} or blanks and comments, then its value: a quoted string
   * (doubled or backslash-escaped quotes included) or a bare word. Every repetition is bounded,
   * so a hostile text (a megabyte of {@code password /*}) costs linear time.
   */
  private static final Pattern SECRET = Pattern.compile(
      "(?i)((?:password|passwd|pwd|secret|token|credential|sas|"
          + "(?:access|secret|account|private)[_.]?key)"
          + "[\\w.]{0,200}['\"`]?(?:\\s|/\\*.{0,200}?\\*/|--[^\\n]{0,200}\\n){0,20}(?:=|\\s)"
          + "(?:\\s|/\\*.{0,200}?\\*/|--[^\\n]{0,200}\\n){0,20})"
          + "('(?:[^'\\\\]|''|\\\\.){0,2000}'|\"(?:[^\"\\\\]|\"\"|\\\\.){0,2000}\"|[^\\s,)]+)",
      Pattern.DOTALL);
  /** The password of a URL's user info: {@code scheme://user:password@host}. */
  private static final Pattern URL_PASSWORD = Pattern.compile(
      "(://[^/:@\\s'\"]{1,200}:)([^@/\\s'\"]{1,200})(@)");

  private SqlRedaction() {}

  /** Masks what {@link #SECRET} and {@link #URL_PASSWORD} find (no session's own regex). */
  public static String redactSecrets(String text) {
    if (text == null) {
      return null;
    }
    String masked = SECRET.matcher(text).replaceAll("$1'*********(redacted)'");
    return URL_PASSWORD.matcher(masked).replaceAll("$1*********(redacted)$3");
  }

  public static String redact(SparkSession session, String sql) {
    String masked = redactSecrets(sql);
    return Utils.redact(session.sessionState().conf().stringRedactionPattern(), masked);
  }
}
