package io.libra.flight;

import java.util.regex.Pattern;

/**
 * JDBC / Flight SQL name patterns ({@code db_schema_filter_pattern}, {@code table_name_filter_pattern}):
 * {@code %} any sequence, {@code _} one character, {@code \} escapes the next character (the escape
 * advertised as {@code SQL_SEARCH_STRING_ESCAPE}). A missing pattern matches everything. Matching is
 * case-insensitive like Spark's identifiers.
 */
final class JdbcPattern {
  private final Pattern regex;

  private JdbcPattern(Pattern regex) {
    this.regex = regex;
  }

  static JdbcPattern of(String pattern) {
    if (pattern == null) {
      return new JdbcPattern(null);
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new JdbcPattern(Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
  }

  boolean matches(String name) {
    return regex == null || (name != null && regex.matcher(name).matches());
  }
}
