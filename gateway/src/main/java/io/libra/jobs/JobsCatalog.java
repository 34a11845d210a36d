package io.libra.jobs;

import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.NamespaceChange;
import org.apache.spark.sql.connector.catalog.SupportsNamespaces;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Read-only Spark catalog {@code libra} (registered as {@code spark.sql.catalog.libra}) with three
 * tables: {@code jobs} ({@code SELECT * FROM libra.jobs WHERE state = 'RUNNING'}),
 * {@code sessions} (the open client sessions of the reader's gateway, {@link SessionRows}) and
 * {@code queries} (its statement history, {@link QueryRows}).
 *
 * <p>Spark creates catalogs by class name, so the gateway's {@link JobManager} is bound here
 * statically ({@link #bind}; one SparkContext, hence one gateway, per JVM). Who reads: the Spark
 * local property {@value #USER_PROPERTY}, which the gateway sets on the thread of every statement
 * (clients cannot set local properties; it is set before {@code SparkSession.sql} analyses); it is read when the table is resolved, during analysis.
 * Non-admins see only their own jobs and sessions; without the property the tables are empty.
 *
 * <p>The table lives in the root namespace; the catalog has no namespaces (so {@code SHOW
 * NAMESPACES IN libra}, which metadata calls use, answers with none instead of failing).
 */
public final class JobsCatalog implements TableCatalog, SupportsNamespaces {
  /** Spark local property naming the user a statement runs for. */
  public static final String USER_PROPERTY = "libra.user";
  public static final String TABLE = "jobs";
  /** Table of the open sessions ({@link SessionRows}). */
  public static final String SESSIONS = "sessions";
  /** Table of the ended statements ({@link QueryRows}). */
  public static final String QUERIES = "queries";

  private static final java.util.concurrent.atomic.AtomicReference<JobManager> MANAGER =
      new java.util.concurrent.atomic.AtomicReference<>();
  private String name;

  /**
   * Binds the manager whose registry {@code libra.jobs} shows, unless one is bound already (a
   * second server on the same SparkContext, as some tests start, does not take the table over).
   */
  public static void bind(JobManager jobs) {
    MANAGER.compareAndSet(null, jobs);
  }

  /** Unbinds {@code jobs} if it is the bound manager. */
  public static void unbind(JobManager jobs) {
    MANAGER.compareAndSet(jobs, null);
  }

  @Override
  public void initialize(String catalogName, CaseInsensitiveStringMap options) {
    this.name = catalogName;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    return namespace.length == 0 ? new Identifier[] {Identifier.of(namespace, TABLE),
        Identifier.of(namespace, SESSIONS), Identifier.of(namespace, QUERIES)}
        : new Identifier[0];
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    if (ident.namespace().length != 0) {
      throw new NoSuchTableException(ident);
    }
    org.apache.spark.sql.SparkSession active = org.apache.spark.sql.SparkSession.active();
    String user = active.sparkContext().getLocalProperty(USER_PROPERTY);
    boolean all = !io.libra.engine.UserSqlBoundary.isRestricted(active)
        || io.libra.engine.UserSqlBoundary.isAdmin(active);
    if (ident.name().equalsIgnoreCase(QUERIES)) {
      io.libra.session.SessionManager sessions = io.libra.session.SessionManager.of(active);
      io.libra.history.QueryHistory history = sessions == null ? null : sessions.history();
      return new RowsTable("libra.queries", QueryRows.SCHEMA, () -> {
        if (history == null || user == null) {
          return new InternalRow[0];
        }
        try {
          return history.list(user, all).stream().map(QueryRows::toInternalRow)
              .toArray(InternalRow[]::new);
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException("cannot read the query history: " + e.getMessage(), e);
        }
      });
    }
    if (ident.name().equalsIgnoreCase(SESSIONS)) {
      io.libra.session.SessionManager sessions = io.libra.session.SessionManager.of(active);
      return new RowsTable("libra.sessions", SessionRows.SCHEMA, () -> sessions == null
          || user == null ? new InternalRow[0]
          : sessions.visibleTo(user, all).stream().map(SessionRows::toInternalRow)
              .toArray(InternalRow[]::new));
    }
    JobManager m = MANAGER.get();
    if (!ident.name().equalsIgnoreCase(TABLE) || m == null) {
      throw new NoSuchTableException(ident);
    }
    return new RowsTable("libra.jobs", JobRows.SCHEMA, () -> {
      if (user == null) {
        return new InternalRow[0];
      }
      try {
        return m.list(user).stream().map(JobRows::toInternalRow).toArray(InternalRow[]::new);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot read the job registry: " + e.getMessage(), e);
      }
    });
  }

  @Override
  public Table createTable(Identifier ident, StructType schema, Transform[] partitions,
      Map<String, String> properties) {
    throw new UnsupportedOperationException("the libra catalog (jobs, sessions, queries) is read-only");
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw new UnsupportedOperationException("the libra catalog (jobs, sessions, queries) is read-only");
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw new UnsupportedOperationException("the libra catalog (jobs, sessions, queries) is read-only");
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw new UnsupportedOperationException("the libra catalog (jobs, sessions, queries) is read-only");
  }

  @Override
  public String[][] listNamespaces() {
    return new String[0][];
  }

  @Override
  public String[][] listNamespaces(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length == 0) {
      return new String[0][];
    }
    throw new NoSuchNamespaceException(namespace);
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(String[] namespace)
      throws NoSuchNamespaceException {
    if (namespace.length == 0) {
      return Map.of();
    }
    throw new NoSuchNamespaceException(namespace);
  }

  @Override
  public void createNamespace(String[] namespace, Map<String, String> metadata) {
    throw new UnsupportedOperationException("libra has no namespaces");
  }

  @Override
  public void alterNamespace(String[] namespace, NamespaceChange... changes) {
    throw new UnsupportedOperationException("libra has no namespaces");
  }

  @Override
  public boolean dropNamespace(String[] namespace, boolean cascade) {
    throw new UnsupportedOperationException("libra has no namespaces");
  }
}
