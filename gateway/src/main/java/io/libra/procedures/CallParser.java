package io.libra.procedures;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * Parses {@code CALL libra.name(args)} with Calcite's SQL parser (Spark's own parser does not get
 * to see it). Arguments: positional or named ({@code name => value}); string ({@code '…'}),
 * numeric, boolean and NULL literals, negative numbers, {@code ARRAY[…]} and {@code MAP[k, v, …]}.
 * Identifiers may be quoted with back-ticks, as in Spark.
 *
 * <p>{@link #isLibraCall} is a cheap textual test: only statements starting with
 * {@code CALL libra.} (after comments and white space) are parsed here; everything else goes to
 * Spark unchanged.
 */
public final class CallParser {
  public static final String CATALOG = "libra";
  private static final Pattern LIBRA_CALL = Pattern.compile(
      "(?is)^(\\s+|--[^\\n]*(\\n|$)|/\\*.*?\\*/)*CALL\\s+`?libra`?\\s*\\..*");
  private static final SqlParser.Config CONFIG = SqlParser.config()
      .withQuoting(Quoting.BACK_TICK)
      .withUnquotedCasing(Casing.UNCHANGED)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false);

  private CallParser() {}

  /** Whether {@code sql} is a call of a Libra procedure (then Spark never sees it). */
  public static boolean isLibraCall(String sql) {
    return LIBRA_CALL.matcher(sql).matches();
  }

  /**
   * @throws IllegalArgumentException for a syntax error (Calcite's message, with line and
   *     column) or an argument that is not a literal, ARRAY or MAP constructor
   */
  public static ProcedureCall parse(String sql) {
    SqlNode node;
    try {
      node = SqlParser.create(stripSemicolon(sql), CONFIG).parseStmt();
    } catch (SqlParseException e) {
      throw new IllegalArgumentException("syntax error in CALL: " + firstLine(e.getMessage()), e);
    }
    if (node.getKind() != SqlKind.PROCEDURE_CALL) {
      throw new IllegalArgumentException("expected CALL libra.<procedure>(…)");
    }
    SqlNode target = ((SqlCall) node).operand(0);
    if (!(target instanceof SqlBasicCall call)
        || call.getOperator().getNameAsId().names.size() != 2
        || !call.getOperator().getNameAsId().names.get(0).equalsIgnoreCase(CATALOG)) {
      throw new IllegalArgumentException("expected CALL libra.<procedure>(…)");
    }
    SqlIdentifier id = call.getOperator().getNameAsId();
    List<Object> positional = new ArrayList<>();
    Map<String, Object> named = new LinkedHashMap<>();
    for (SqlNode operand : call.getOperandList()) {
      if (operand.getKind() == SqlKind.ARGUMENT_ASSIGNMENT) {
        SqlCall assign = (SqlCall) operand;
        String argName = ((SqlIdentifier) assign.operand(1)).getSimple()
            .toLowerCase(Locale.ROOT);
        if (named.containsKey(argName)) {
          throw new IllegalArgumentException("argument '" + argName + "' is given twice");
        }
        named.put(argName, value(assign.operand(0), argName));
      } else {
        if (!named.isEmpty()) {
          throw new IllegalArgumentException("positional argument " + (positional.size() + 1)
              + " follows named arguments");
        }
        positional.add(value(operand, "#" + (positional.size() + 1)));
      }
    }
    return new ProcedureCall(id.names.get(1).toLowerCase(Locale.ROOT), positional, named);
  }

  private static Object value(SqlNode node, String arg) {
    switch (node.getKind()) {
      case LITERAL -> {
        SqlLiteral l = (SqlLiteral) node;
        if (l.getValue() == null) {
          return null;
        }
        return switch (l.getTypeName().getFamily() == null ? "" : l.getTypeName().getFamily().name()) {
          case "CHARACTER" -> l.getValueAs(String.class);
          case "NUMERIC" -> l.getValueAs(BigDecimal.class);
          case "BOOLEAN" -> l.getValueAs(Boolean.class);
          default -> throw unsupported(node, arg);
        };
      }
      case MINUS_PREFIX -> {
        Object v = value(((SqlCall) node).operand(0), arg);
        if (v instanceof BigDecimal d) {
          return d.negate();
        }
        throw unsupported(node, arg);
      }
      case ARRAY_VALUE_CONSTRUCTOR -> {
        List<Object> items = new ArrayList<>();
        for (SqlNode item : ((SqlCall) node).getOperandList()) {
          items.add(value(item, arg));
        }
        return items;
      }
      case MAP_VALUE_CONSTRUCTOR -> {
        List<SqlNode> ops = ((SqlCall) node).getOperandList();
        if (ops.size() % 2 != 0) {
          throw new IllegalArgumentException("argument " + (arg.startsWith("#") ? arg
              : "'" + arg + "'") + ": MAP[…] needs key, value pairs, got " + ops.size()
              + " elements");
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < ops.size(); i += 2) {
          map.put(value(ops.get(i), arg), value(ops.get(i + 1), arg));
        }
        return map;
      }
      default -> throw unsupported(node, arg);
    }
  }

  private static IllegalArgumentException unsupported(SqlNode node, String arg) {
    return new IllegalArgumentException("argument " + (arg.startsWith("#") ? arg : "'" + arg + "'")
        + ": only literals, ARRAY[…] and MAP[…] are accepted, got " + node);
  }

  private static String stripSemicolon(String sql) {
    String s = sql.strip();
    return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
