package io.libra.procedures;

import java.util.List;
import java.util.Map;

/**
 * A parsed {@code CALL catalog.procedure(…)}: the procedure's name (lower case, without the
 * {@code libra.} prefix) and its arguments as Java values — {@link String}, {@link java.math.BigDecimal}
 * for numbers, {@link Boolean}, null, {@link List} for {@code ARRAY[…]} and an insertion-ordered
 * {@link Map} for {@code MAP[k, v, …]}.
 *
 * @param positional arguments without a name, in order (they come before named ones)
 * @param named arguments given as {@code name => value}, names in lower case
 */
public record ProcedureCall(String name, List<Object> positional, Map<String, Object> named) {}
