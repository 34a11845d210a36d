package io.libra.jobs;

import io.libra.session.ClientSession;
import io.libra.util.PublicIds;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The row shape of table {@code libra.sessions}, one open client session each: session_id (its
 * public id, as in the log and job tags; {@code CALL libra.close_session} takes it), user,
 * client_address (host of its first call), pool (its session option, else null: the user's
 * default), catalog and schema (current), created and last_active (timestamps, UTC),
 * running_statements (statements with a step running now).
 */
public final class SessionRows {
  public static final StructType SCHEMA = new StructType()
      .add("session_id", DataTypes.StringType, false)
      .add("user", DataTypes.StringType, false)
      .add("client_address", DataTypes.StringType, true)
      .add("pool", DataTypes.StringType, true)
      .add("catalog", DataTypes.StringType, true)
      .add("schema", DataTypes.StringType, true)
      .add("created", DataTypes.TimestampType, false)
      .add("last_active", DataTypes.TimestampType, false)
      .add("running_statements", DataTypes.LongType, false);

  private SessionRows() {}

  static InternalRow toInternalRow(ClientSession s) {
    String catalog = null;
    String schema = null;
    try {
      var manager = s.spark().sessionState().catalogManager();
      catalog = manager.currentCatalog().name();
      schema = String.join(".", manager.currentNamespace());
    } catch (RuntimeException e) {
      // a session closing meanwhile: no current catalog to show
    }
    return new GenericInternalRow(new Object[] {JobRows.utf8(PublicIds.of(s.id())),
        JobRows.utf8(s.user()), JobRows.utf8(s.clientAddress()), JobRows.utf8(s.poolOption()),
        JobRows.utf8(catalog), JobRows.utf8(schema), JobRows.micros(s.createdAt()),
        JobRows.micros(s.lastActiveAt()), s.runningStatements()});
  }
}
