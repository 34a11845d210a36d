package io.libra.procedures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * The gateway's procedures, the one entry point {@code SqlBackend} uses: recognises
 * {@code CALL libra.*} ({@link CallParser#isLibraCall}), checks a call against the procedure's
 * parameters without running it ({@link #describe}) and runs it ({@link #call}), answering with an
 * ordinary Dataset ({@code createDataFrame(rows, schema)}) that streams like any query result.
 *
 * <p>Errors: unknown procedure, bad syntax or arguments — {@link IllegalArgumentException} naming
 * the argument (Flight INVALID_ARGUMENT); permission and not-found errors come from the procedures.
 */
public final class LibraProcedures {
  private final Map<String, Procedure> procedures = new LinkedHashMap<>();

  public LibraProcedures(List<Procedure> all) {
    for (Procedure p : all) {
      procedures.put(p.name(), p);
    }
  }

  /** Whether {@code sql} is a Libra procedure call (else it belongs to Spark, unchanged). */
  public boolean handles(String sql) {
    return CallParser.isLibraCall(sql);
  }

  /**
   * Parses and binds the call; runs nothing.
   *
   * @return the schema of its result
   * @throws IllegalArgumentException see the class comment
   */
  public StructType describe(String sql) {
    return resolve(CallParser.parse(sql)).schema();
  }

  /**
   * Runs the call for {@code caller}.
   *
   * @return its result rows as a local Dataset of the caller's session
   */
  public Dataset<Row> call(Procedure.Caller caller, String sql) throws Exception {
    ProcedureCall call = CallParser.parse(sql);
    Procedure p = resolve(call);
    ProcedureArguments args = ProcedureArguments.bind(p.name(), p.parameters(), call);
    List<Row> rows = p.body().call(caller, args);
    return caller.spark().createDataFrame(rows, p.schema());
  }

  private Procedure resolve(ProcedureCall call) {
    Procedure p = procedures.get(call.name());
    if (p == null) {
      throw new IllegalArgumentException("unknown procedure 'libra." + call.name()
          + "' (procedures: " + String.join(", ", procedures.keySet().stream()
              .map(n -> "libra." + n).toList()) + ")");
    }
    ProcedureArguments.bind(p.name(), p.parameters(), call);
    return p;
  }
}
