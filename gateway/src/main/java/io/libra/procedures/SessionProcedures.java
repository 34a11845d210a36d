package io.libra.procedures;

import static io.libra.procedures.ProcedureParameter.Type.STRING;
import static io.libra.procedures.ProcedureParameter.required;

import io.libra.operation.HandleNotFoundException;
import io.libra.session.SessionManager;
import java.util.List;
import java.util.function.Predicate;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ending other sessions and statements from SQL, by the public ids the log and the Spark UI's job
 * tags show ({@code io.libra.util.PublicIds}):
 * <ul>
 *   <li>{@code close_session(session_id)} → session_id, user, closed: closes the session (its
 *       statements cancelled, its bearer tokens revoked, as CloseSession does);</li>
 *   <li>{@code cancel_statement(statement_id)} → statement_id, user, cancelled: cancels the
 *       statement and its Spark jobs (the client sees CANCELLED).</li>
 * </ul>
 * An admin may end anyone's; another user only their own. An id that names nothing the caller may
 * end is NOT_FOUND (another user's looks the same as none).
 */
public final class SessionProcedures {
  private SessionProcedures() {}

  /** The two procedures; {@code isAdmin}: whether a user has the {@code admin} role. */
  public static List<Procedure> all(SessionManager sessions, Predicate<String> isAdmin) {
    StructType closed = new StructType().add("session_id", DataTypes.StringType, false)
        .add("user", DataTypes.StringType, false).add("closed", DataTypes.BooleanType, false);
    StructType cancelled = new StructType().add("statement_id", DataTypes.StringType, false)
        .add("user", DataTypes.StringType, false).add("cancelled", DataTypes.BooleanType, false);
    return List.of(
        new Procedure("close_session", List.of(required("session_id", STRING)), closed,
            (caller, a) -> {
              String id = a.string("session_id");
              String owner = sessions.closeByPublicId(id,
                  isAdmin.test(caller.user()) ? null : caller.user());
              if (owner == null) {
                throw HandleNotFoundException.ofPublicId("session", id);
              }
              return List.of(RowFactory.create(id, owner, true));
            }),
        new Procedure("cancel_statement", List.of(required("statement_id", STRING)), cancelled,
            (caller, a) -> {
              String id = a.string("statement_id");
              String owner = sessions.cancelByPublicId(id,
                  isAdmin.test(caller.user()) ? null : caller.user(),
                  "cancelled by " + caller.user() + " (libra.cancel_statement)");
              if (owner == null) {
                throw HandleNotFoundException.ofPublicId("statement", id);
              }
              return List.of(RowFactory.create(id, owner, true));
            }));
  }
}
