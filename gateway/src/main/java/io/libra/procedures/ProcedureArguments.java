package io.libra.procedures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of a call bound to a procedure's declared parameters and converted to their types
 * ({@link ProcedureParameter#convert}).
 */
public final class ProcedureArguments {
  private final Map<String, Object> values;

  private ProcedureArguments(Map<String, Object> values) {
    this.values = values;
  }

  /**
   * Binds positional arguments in declaration order, then named ones by name.
   *
   * @throws IllegalArgumentException naming the argument: too many positional arguments, an
   *     unknown name, one given both ways, a missing required one or a value of the wrong type
   */
  public static ProcedureArguments bind(String procedure, List<ProcedureParameter> params,
      ProcedureCall call) {
    if (call.positional().size() > params.size()) {
      throw new IllegalArgumentException("libra." + procedure + " takes at most " + params.size()
          + " arguments (" + names(params) + "), got " + call.positional().size());
    }
    Map<String, Object> values = new HashMap<>();
    for (int i = 0; i < call.positional().size(); i++) {
      ProcedureParameter p = params.get(i);
      values.put(p.name(), p.convert(call.positional().get(i), procedure));
    }
    for (Map.Entry<String, Object> e : call.named().entrySet()) {
      ProcedureParameter p = params.stream().filter(x -> x.name().equals(e.getKey())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("libra." + procedure
              + " has no argument '" + e.getKey() + "' (arguments: " + names(params) + ")"));
      if (values.containsKey(p.name())) {
        throw new IllegalArgumentException("argument '" + p.name() + "' of libra." + procedure
            + " is given both by position and by name");
      }
      values.put(p.name(), p.convert(e.getValue(), procedure));
    }
    for (ProcedureParameter p : params) {
      if (p.required() && values.get(p.name()) == null) {
        throw new IllegalArgumentException("argument '" + p.name() + "' of libra." + procedure
            + " is required");
      }
    }
    return new ProcedureArguments(values);
  }

  private static String names(List<ProcedureParameter> params) {
    List<String> out = new ArrayList<>();
    for (ProcedureParameter p : params) {
      out.add(p.name());
    }
    return String.join(", ", out);
  }

  public String string(String name) {
    return (String) values.get(name);
  }

  public String string(String name, String fallback) {
    Object v = values.get(name);
    return v == null ? fallback : (String) v;
  }

  public int integer(String name, int fallback) {
    Object v = values.get(name);
    return v == null ? fallback : (Integer) v;
  }

  @SuppressWarnings("unchecked")
  public List<String> strings(String name) {
    Object v = values.get(name);
    return v == null ? List.of() : (List<String>) v;
  }

  @SuppressWarnings("unchecked")
  public Map<String, String> map(String name) {
    Object v = values.get(name);
    return v == null ? Map.of() : (Map<String, String>) v;
  }
}
