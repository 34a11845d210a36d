package io.libra.jdbc;

import java.math.BigDecimal;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A result set over a Flight SQL result: the FlightInfo's endpoints in order, each ticket read
 * with {@code DoGet} ({@code FlightSqlClient.getStream}) on the connection's channel (endpoint
 * locations are not followed), one record batch at a time: the next batch is asked for when the
 * current one is used up. With several endpoints (a large result), the streams of up to
 * {@code endpointsAhead} endpoints after the current one are open at once, so the gateway
 * computes and sends them in parallel while rows still come in endpoint order; gRPC's flow
 * control holds every stream back while the client is slow. Values are read from the batch's
 * vectors by {@link ArrowReaders}; the schema is the FlightInfo's, or the first stream's when the
 * FlightInfo has none (no endpoints: an empty result of that schema).
 *
 * <p>Closing before the end cancels the stream (the gateway stops the query's Spark jobs) and
 * releases every Arrow buffer of the result; {@code maxRows} (0 = all) ends the result after that
 * many rows the same way. A stream failure is an SQLException with the gateway's SQLSTATE
 * ({@link SqlErrors#from}). Not thread-safe, except {@link #cancelStream()}.
 */
final class FlightResultSet extends AbstractResultSet {
  private final LibraConnection connection;
  private final List<FlightEndpoint> endpoints;
  private final CallOption[] options;
  private final long maxRows;
  private final Schema schema;
  private final LibraResultSetMetaData metaData;
  private ColumnReader[] readers;
  private int nextEndpoint;
  private volatile FlightStream stream;
  /** Streams of the endpoints after the current one, opened ahead, in endpoint order. */
  private final java.util.ArrayDeque<FlightStream> ahead = new java.util.ArrayDeque<>();
  /** Whether the stream's root holds a batch with rows that the readers are not bound to yet. */
  private boolean pending;
  /**
   * The current batch moved out of the stream's root while the next one is read ahead
   * ({@link #exhausted()} on the last row of a batch); null when the readers read the root.
   */
  private VectorSchemaRoot held;
  private int batchRow = -1;
  private int batchRows;
  private long rows;
  private boolean done;
  private Runnable onClose;

  /**
   * @param statement what {@code getStatement()} answers (null for metadata)
   * @param maxRows the most rows to return, 0 for all
   * @throws SQLException when the FlightInfo has no schema and the first stream fails
   */
  FlightResultSet(Statement statement, LibraConnection connection, FlightInfo info, long maxRows,
      CallOption[] options) throws SQLException {
    super(statement);
    this.connection = connection;
    this.endpoints = List.copyOf(info.getEndpoints());
    this.options = options;
    this.maxRows = maxRows;
    Schema s = info.getSchemaOptional().orElse(null);
    if (s == null || (s.getFields().isEmpty() && !endpoints.isEmpty())) {
      openNext();
      try {
        s = stream == null ? new Schema(List.of()) : stream.getSchema();
      } catch (RuntimeException e) {
        finish(true);
        throw SqlErrors.from(e);
      }
    }
    this.schema = s;
    this.readers = readers(s.getFields());
    this.metaData = LibraResultSetMetaData.of(s);
  }

  private static ColumnReader[] readers(List<Field> fields) {
    ColumnReader[] out = new ColumnReader[fields.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ArrowReaders.of(fields.get(i));
    }
    return out;
  }

  /**
   * Cancels the stream being read, from any thread (Statement.cancel): the reading thread's
   * next() then fails with the gateway's CANCELLED.
   */
  void cancelStream() {
    java.util.List<FlightStream> all = new java.util.ArrayList<>();
    all.add(stream);
    synchronized (ahead) {
      all.addAll(ahead);
    }
    for (FlightStream s : all) {
      if (s != null) {
        try {
          s.cancel("statement cancelled", null);
        } catch (RuntimeException e) {
          // already ended
        }
      }
    }
  }

  /** Runs {@code r} once when the result set closes (the statement's closeOnCompletion). */
  void onClose(Runnable r) {
    this.onClose = r;
  }

  private void openNext() throws SQLException {
    closeStream(false);
    try {
      FlightStream next;
      synchronized (ahead) {
        next = ahead.poll();
      }
      if (next == null && nextEndpoint < endpoints.size()) {
        next = connection.stream(endpoints.get(nextEndpoint++), options);
      }
      stream = next;
      // Opening a stream sends its DoGet: the gateway starts that endpoint's partitions now.
      while (stream != null && aheadSize() < connection.config().endpointsAhead
          && nextEndpoint < endpoints.size()) {
        FlightStream s = connection.stream(endpoints.get(nextEndpoint++), options);
        synchronized (ahead) {
          ahead.add(s);
        }
      }
    } catch (RuntimeException e) {
      finish(true);
      throw SqlErrors.from(e);
    }
  }

  private int aheadSize() {
    synchronized (ahead) {
      return ahead.size();
    }
  }

  /** Cancels and closes the streams opened ahead (the result set ends before them). */
  private void closeAhead() {
    while (true) {
      FlightStream s;
      synchronized (ahead) {
        s = ahead.poll();
      }
      if (s == null) {
        return;
      }
      release(s, true);
    }
  }

  /** Closes the stream, cancelling it first when asked (it was not read to its end). */
  private void closeStream(boolean cancel) {
    FlightStream s = stream;
    stream = null;
    pending = false;
    if (s != null) {
      release(s, cancel);
    }
  }

  /** Closes {@code s}, cancelling it first when asked (it was not read to its end). */
  private static void release(FlightStream s, boolean cancel) {
    if (cancel) {
      try {
        s.cancel("result set closed", null);
      } catch (RuntimeException e) {
        // already ended
      }
    }
    try {
      s.close();
    } catch (Exception e) {
      // a cancelled stream may report its cancellation on close; its buffers are released anyway
    }
  }


  /**
   * Reads the next batch with rows into the stream's root ({@link #pending}), opening the next
   * endpoint's stream when one ends; false when there is none. The readers stay bound to what
   * they read (a caller still on a row of the stream's root must {@link #hold()} it first).
   */
  private boolean fetch() throws SQLException {
    while (!pending) {
      if (stream == null) {
        if (nextEndpoint >= endpoints.size() && aheadSize() == 0) {
          return false;
        }
        openNext();
        continue;
      }
      try {
        if (!stream.next()) {
          closeStream(false);
          continue;
        }
        pending = stream.getRoot().getRowCount() > 0;
      } catch (RuntimeException e) {
        finish(true);
        throw SqlErrors.from(e);
      }
    }
    return true;
  }

  /** Binds the readers to the fetched batch in the stream's root. */
  private void bindPending() throws SQLException {
    releaseHeld();
    VectorSchemaRoot root = stream.getRoot();
    pending = false;
    bind(root);
    batchRows = root.getRowCount();
    batchRow = 0;
  }

  private void bind(VectorSchemaRoot root) throws SQLException {
    List<FieldVector> vectors = root.getFieldVectors();
    int rowCount = root.getRowCount();
    try {
      if (vectors.size() != readers.length || !sameTypes(vectors)) {
        // The data says otherwise than the schema: read what was sent.
        List<Field> fields = root.getSchema().getFields();
        readers = readers(fields);
      }
      for (int i = 0; i < readers.length; i++) {
        FieldVector v = vectors.get(i);
        if (v.getValueCount() < rowCount) {
          throw new IllegalStateException("malformed record batch: column " + v.getName()
              + " has " + v.getValueCount() + " values for " + rowCount + " rows");
        }
        readers[i].bind(v);
      }
    } catch (RuntimeException e) {
      finish(true);
      throw new SQLException("cannot read the result: " + e.getMessage(), "HY000", e);
    }
  }

  private boolean sameTypes(List<FieldVector> vectors) {
    for (int i = 0; i < readers.length; i++) {
      if (!sameType(readers[i].field, vectors.get(i).getField())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameType(Field a, Field b) {
    if (!a.getType().equals(b.getType()) || a.getChildren().size() != b.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < a.getChildren().size(); i++) {
      if (!sameType(a.getChildren().get(i), b.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Moves the current batch out of the stream's root into {@link #held} (the buffers change
   * owner, nothing is copied) and rebinds the readers to it, so the stream can read ahead.
   */
  private void hold() throws SQLException {
    if (held != null || stream == null) {
      return;
    }
    VectorSchemaRoot root = stream.getRoot();
    VectorSchemaRoot copy = VectorSchemaRoot.create(root.getSchema(), connection.allocator());
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      new VectorLoader(copy).load(batch);
    } catch (RuntimeException e) {
      copy.close();
      finish(true);
      throw new SQLException("cannot read the result: " + e, "HY000", e);
    }
    held = copy;
    bind(copy);
  }

  private void releaseHeld() {
    VectorSchemaRoot h = held;
    held = null;
    if (h != null) {
      h.close();
    }
  }

  @Override
  protected int columnCount() {
    return readers.length;
  }

  @Override
  protected String label(int column) {
    return schema.getFields().get(column - 1).getName();
  }

  @Override
  protected boolean advance() throws SQLException {
    if (done) {
      return false;
    }
    if (maxRows > 0 && rows >= maxRows) {
      finish(true);
      return false;
    }
    if (batchRow + 1 < batchRows) {
      batchRow++;
    } else {
      batchRows = 0;
      batchRow = -1;
      if (!fetch()) {
        finish(false);
        return false;
      }
      bindPending();
    }
    rows++;
    return true;
  }

  @Override
  protected boolean exhausted() throws SQLException {
    if (done || (maxRows > 0 && rows >= maxRows)) {
      return true;
    }
    if (batchRow + 1 < batchRows || pending) {
      return false;
    }
    if (batchRow >= 0) {
      hold(); // the current row stays readable while the next batch is read
    }
    return !fetch();
  }

  private void finish(boolean cancel) {
    done = true;
    releaseHeld();
    closeStream(cancel);
    closeAhead();
    batchRows = 0;
    batchRow = -1;
  }

  @Override
  protected Object value(int column) {
    ColumnReader r = readers[column - 1];
    int row = batchRow;
    if (r.isNull(row)) {
      return null;
    }
    // A switch to final classes for the common types rather than one virtual call: a result of
    // several column types makes that call site megamorphic, and every value would pay for it.
    return switch (r.kind) {
      case ColumnReader.BIGINT -> ((ArrowReaders.BigIntReader) r).read(row);
      case ColumnReader.INT -> ((ArrowReaders.IntReader) r).read(row);
      case ColumnReader.DOUBLE -> ((ArrowReaders.DoubleReader) r).read(row);
      case ColumnReader.DECIMAL -> ((ArrowReaders.DecimalReader) r).read(row);
      case ColumnReader.DATE -> ((ArrowReaders.DateDayReader) r).read(row);
      case ColumnReader.STRING -> ((ArrowReaders.Utf8Reader) r).read(row);
      default -> r.object(row);
    };
  }

  @Override
  protected Object temporal(int column) {
    ColumnReader r = readers[column - 1];
    return r.isNull(batchRow) ? null : r.temporal(batchRow);
  }

  // Fast paths: no boxing for the common getters.

  @Override
  public String getString(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    int row = batchRow;
    boolean isNull = r.isNull(row);
    setWasNull(isNull);
    if (isNull) {
      return null;
    }
    return switch (r.kind) {
      case ColumnReader.STRING -> ((ArrowReaders.Utf8Reader) r).read(row);
      case ColumnReader.BIGINT -> Long.toString(((ArrowReaders.BigIntReader) r).read(row));
      case ColumnReader.INT -> Integer.toString(((ArrowReaders.IntReader) r).read(row));
      case ColumnReader.DECIMAL -> ((ArrowReaders.DecimalReader) r).read(row).toPlainString();
      default -> r.string(row);
    };
  }

  @Override
  public long getLong(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    int row = batchRow;
    switch (r.kind) {
      case ColumnReader.BIGINT -> {
        boolean isNull = r.isNull(row);
        setWasNull(isNull);
        return isNull ? 0 : ((ArrowReaders.BigIntReader) r).read(row);
      }
      case ColumnReader.INT -> {
        boolean isNull = r.isNull(row);
        setWasNull(isNull);
        return isNull ? 0 : ((ArrowReaders.IntReader) r).read(row);
      }
      default -> {
        if (r.integral()) {
          boolean isNull = r.isNull(row);
          setWasNull(isNull);
          return isNull ? 0 : r.longValue(row);
        }
        return super.getLong(column);
      }
    }
  }

  @Override
  public int getInt(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    int row = batchRow;
    if (r.kind == ColumnReader.INT) {
      boolean isNull = r.isNull(row);
      setWasNull(isNull);
      return isNull ? 0 : ((ArrowReaders.IntReader) r).read(row);
    }
    if (r.integral() && !r.isNull(row)) {
      long v = r.longValue(row);
      if (v == (int) v) {
        setWasNull(false);
        return (int) v;
      }
    }
    return super.getInt(column);
  }

  @Override
  public double getDouble(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    int row = batchRow;
    if (r.kind == ColumnReader.DOUBLE) {
      boolean isNull = r.isNull(row);
      setWasNull(isNull);
      return isNull ? 0 : ((ArrowReaders.DoubleReader) r).read(row);
    }
    if (r.floating()) {
      boolean isNull = r.isNull(row);
      setWasNull(isNull);
      return isNull ? 0 : r.doubleValue(row);
    }
    return super.getDouble(column);
  }

  @Override
  public BigDecimal getBigDecimal(int column) throws SQLException {
    checkRow(column);
    ColumnReader r = readers[column - 1];
    int row = batchRow;
    if (r.kind == ColumnReader.DECIMAL) {
      boolean isNull = r.isNull(row);
      setWasNull(isNull);
      return isNull ? null : ((ArrowReaders.DecimalReader) r).read(row);
    }
    return super.getBigDecimal(column);
  }

  @Override
  protected void release() {
    finish(true);
    Runnable r = onClose;
    onClose = null;
    if (r != null) {
      r.run();
    }
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return metaData;
  }
}
