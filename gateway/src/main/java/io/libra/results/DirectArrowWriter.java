package io.libra.results;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Converts rows of a flat schema to Arrow IPC payloads by writing each value straight into the
 * Arrow vectors' memory — the same bytes Spark's {@code ArrowConverters.toBatchWithSchemaIterator}
 * produces (same schema from {@code ArrowUtils.toArrowSchema}, same payload layout: schema message,
 * one record batch, end-of-stream marker), with less work per value:
 *
 * <ul>
 *   <li>one {@code switch} on the column's kind per value and raw stores into the vectors' buffers
 *       ({@code Platform.putLong} at the buffer's address), whose capacity is checked once per row
 *       (fixed-width and offset buffers) or once per value (string and binary bytes); Spark's
 *       writer makes one virtual call per value and Arrow's {@code setSafe}, which checks capacity,
 *       bounds and the buffer's reference count on every store;</li>
 *   <li>column batches of a vectorized scan ({@link ColumnarSource}) are written column by column,
 *       a tight loop per column over each slice of a batch, with no per-row view;</li>
 *   <li>decimals of precision ≤ 18 are written from their unscaled {@code long}, wider ones from
 *       the row's big-endian bytes (Spark builds a {@code java.math.BigDecimal} and calls
 *       {@code BigInteger.toByteArray} for every value);</li>
 *   <li>strings and binaries are copied from the row's or the column's bytes (Spark wraps each
 *       value in a {@code ByteBuffer} and copies through {@code ArrowBuf.setBytes(ByteBuffer)}).</li>
 * </ul>
 *
 * <p>Types: boolean, byte, short, int, long, float, double, string, binary, decimal, date,
 * timestamp and timestamp_ntz at the top level ({@link #supports}). Any other schema (nested
 * types, intervals, null, variant) uses Spark's converter ({@link ArrowBatchRdd}).
 *
 * <p>Input is either rows — any {@code InternalRow}: {@code UnsafeRow}s of a plan's result or the
 * rows of a local relation — or a scan's {@code ColumnarBatch}es ({@link #ofBatches}). Batches close
 * at {@code maxRecords} rows or when the batch's estimated Arrow size (fixed-width bytes per row plus
 * the string and binary bytes written) reaches {@code maxBytes}, checked before each row in both
 * cases, so the same input gives the same batches either way.
 */
final class DirectArrowWriter implements Iterator<byte[]>, AutoCloseable {
  private static final int BOOLEAN = 0;
  private static final int BYTE = 1;
  private static final int SHORT = 2;
  /** int and date: 4 bytes. */
  private static final int INT = 3;
  /** long, timestamp and timestamp_ntz: 8 bytes. */
  private static final int LONG = 4;
  private static final int FLOAT = 5;
  private static final int DOUBLE = 6;
  private static final int STRING = 7;
  private static final int BINARY = 8;
  /** Decimal of precision ≤ 18: a 16-byte value from the unscaled {@code long}. */
  private static final int DECIMAL64 = 9;
  private static final int DECIMAL_WIDE = 10;
  /** Rows the vectors are first allocated for. */
  private static final int INITIAL_ROWS = 4096;

  private final Iterator<InternalRow> rows;
  private final Iterator<ColumnarBatch> batches;
  private final long maxRecords;
  private final long maxBytes;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final FieldVector[] vectors;
  private final int[] kinds;
  private final int[] precisions;
  private final int[] scales;
  private final byte[] schemaMessage;
  /** Arrow bytes a row takes in its fixed-width buffers (values, offsets, validity). */
  private final long fixedRowBytes;
  /** Whether any column is a string or binary (their bytes count toward {@code maxBytes}). */
  private final boolean variableWidth;

  // Buffer state of the current batch, per column; addresses change when a buffer grows.
  private final long[] validityAddress;
  /** Values (fixed width) or offsets (string, binary). */
  private final long[] valueAddress;
  private final long[] dataAddress;
  private final long[] dataCapacity;
  /** End of the string or binary bytes written into the current batch. */
  private final long[] dataEnd;
  /** Rows every vector's fixed-width and offset buffers hold. */
  private int capacity;
  /** Bytes of string and binary values written into the current batch. */
  private long variableBytes;
  /** The column batch being read and its next row. */
  private ColumnarBatch batch;
  private int batchRow;
  private boolean closed;

  DirectArrowWriter(Iterator<InternalRow> rows, StructType schema, String timeZone,
      long maxRecords, long maxBytes) {
    this(rows, null, schema, timeZone, maxRecords, maxBytes);
  }

  /** A writer of a vectorized scan's column batches, column by column. */
  static DirectArrowWriter ofBatches(Iterator<ColumnarBatch> batches, StructType schema,
      String timeZone, long maxRecords, long maxBytes) {
    return new DirectArrowWriter(null, batches, schema, timeZone, maxRecords, maxBytes);
  }

  private DirectArrowWriter(Iterator<InternalRow> rows, Iterator<ColumnarBatch> batches,
      StructType schema, String timeZone, long maxRecords, long maxBytes) {
    this.rows = rows;
    this.batches = batches;
    this.maxRecords = maxRecords <= 0 ? Long.MAX_VALUE : maxRecords;
    this.maxBytes = maxBytes <= 0 ? Long.MAX_VALUE : maxBytes;
    Schema arrowSchema = ArrowUtils.toArrowSchema(schema, timeZone, false, false);
    this.allocator = ArrowUtils.rootAllocator().newChildAllocator("libra-direct-writer", 0,
        Long.MAX_VALUE);
    this.root = VectorSchemaRoot.create(arrowSchema, allocator);
    StructField[] fields = schema.fields();
    int n = fields.length;
    this.vectors = new FieldVector[n];
    this.kinds = new int[n];
    this.precisions = new int[n];
    this.scales = new int[n];
    this.validityAddress = new long[n];
    this.valueAddress = new long[n];
    this.dataAddress = new long[n];
    this.dataCapacity = new long[n];
    this.dataEnd = new long[n];
    long fixed = 0;
    boolean variable = false;
    for (int i = 0; i < n; i++) {
      DataType t = fields[i].dataType();
      vectors[i] = root.getVector(i);
      kinds[i] = kind(t);
      if (t instanceof DecimalType d) {
        precisions[i] = d.precision();
        scales[i] = d.scale();
      }
      variable |= kinds[i] == STRING || kinds[i] == BINARY;
      fixed += 1 + (t instanceof StringType || t instanceof BinaryType ? 4
          : t instanceof DecimalType ? 16 : t.defaultSize());
    }
    this.fixedRowBytes = fixed;
    this.variableWidth = variable;
    try {
      int initial = (int) Math.min(this.maxRecords, INITIAL_ROWS);
      for (FieldVector v : vectors) {
        v.setInitialCapacity(initial);
        v.allocateNew();
      }
      capacity = Integer.MAX_VALUE;
      for (FieldVector v : vectors) {
        capacity = Math.min(capacity, v.getValueCapacity());
      }
      refreshAddresses();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), arrowSchema);
      this.schemaMessage = out.toByteArray();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Whether every top-level column has a direct writer. */
  static boolean supports(StructType schema) {
    for (StructField f : schema.fields()) {
      if (!supported(f.dataType())) {
        return false;
      }
    }
    return true;
  }

  private static boolean supported(DataType t) {
    return t instanceof BooleanType || t instanceof ByteType || t instanceof ShortType
        || t instanceof IntegerType || t instanceof LongType || t instanceof FloatType
        || t instanceof DoubleType || t instanceof StringType || t instanceof BinaryType
        || t instanceof DecimalType
        || t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType;
  }

  private static int kind(DataType t) {
    if (t instanceof BooleanType) {
      return BOOLEAN;
    } else if (t instanceof ByteType) {
      return BYTE;
    } else if (t instanceof ShortType) {
      return SHORT;
    } else if (t instanceof IntegerType || t instanceof DateType) {
      return INT;
    } else if (t instanceof LongType || t instanceof TimestampType
        || t instanceof TimestampNTZType) {
      return LONG;
    } else if (t instanceof FloatType) {
      return FLOAT;
    } else if (t instanceof DoubleType) {
      return DOUBLE;
    } else if (t instanceof StringType) {
      return STRING;
    } else if (t instanceof BinaryType) {
      return BINARY;
    } else if (t instanceof DecimalType d) {
      return d.precision() <= Decimal.MAX_LONG_DIGITS() ? DECIMAL64 : DECIMAL_WIDE;
    }
    throw new IllegalArgumentException("no direct Arrow writer for " + t.sql());
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (!(rows != null ? rows.hasNext() : nextBatchRow())) {
      close();
      return false;
    }
    return true;
  }

  /** Whether a column batch row is left, moving to the next non-empty batch. */
  private boolean nextBatchRow() {
    while (batch == null || batchRow >= batch.numRows()) {
      if (!batches.hasNext()) {
        return false;
      }
      batch = batches.next();
      batchRow = 0;
    }
    return true;
  }

  @Override
  public byte[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    for (int c = 0; c < vectors.length; c++) {
      vectors[c].reset();
      dataEnd[c] = 0;
    }
    variableBytes = 0;
    int count = rows != null ? writeRows() : writeBatches();
    for (int c = 0; c < vectors.length; c++) {
      if (vectors[c] instanceof BaseVariableWidthVector v) {
        v.setLastSet(count - 1);
      }
      vectors[c].setValueCount(count);
    }
    root.setRowCount(count);
    return serialize();
  }

  private boolean full(int count) {
    return count >= maxRecords || (count > 0 && fixedRowBytes * count + variableBytes >= maxBytes);
  }

  private int writeRows() {
    int count = 0;
    while (!full(count) && rows.hasNext()) {
      InternalRow row = rows.next();
      if (count == capacity) {
        grow(count + 1);
      }
      for (int c = 0; c < kinds.length; c++) {
        if (row.isNullAt(c)) {
          writeNull(c, count);
        } else {
          writeValue(row, c, count);
        }
      }
      count++;
    }
    return count;
  }

  /**
   * Column batches: each slice of a batch that fits the limits is written column by column.
   * Strings and binaries go first, row by row, so that the byte limit is checked before each row
   * as for rows (their bytes are what make a row's size), each value read once; then every
   * fixed-width column of the slice in one loop.
   */
  private int writeBatches() {
    int count = 0;
    while (!full(count) && nextBatchRow()) {
      int n = (int) Math.min(batch.numRows() - batchRow, maxRecords - count);
      if (count + n > capacity) {
        grow(count + n);
      }
      int taken = 0;
      while (taken < n && !full(count + taken)) {
        if (variableWidth) {
          for (int c = 0; c < kinds.length; c++) {
            if (kinds[c] == STRING || kinds[c] == BINARY) {
              writeVariable(batch.column(c), c, batchRow + taken, count + taken);
            }
          }
        } else if (maxBytes == Long.MAX_VALUE) {
          taken = n;
          break;
        }
        taken++;
      }
      for (int c = 0; c < kinds.length; c++) {
        if (kinds[c] != STRING && kinds[c] != BINARY) {
          writeColumn(batch.column(c), c, batchRow, taken, count);
        }
      }
      batchRow += taken;
      count += taken;
    }
    return count;
  }

  /** Row {@code r} of a string or binary column vector at Arrow index {@code i}. */
  private void writeVariable(ColumnVector col, int c, int r, int i) {
    if (col.isNullAt(r)) {
      writeNull(c, i);
    } else if (kinds[c] == STRING) {
      UTF8String v = col.getUTF8String(r);
      putBytes(c, i, v.getBaseObject(), v.getBaseOffset(), v.numBytes());
      setValid(c, i);
    } else {
      byte[] b = col.getBinary(r);
      putBytes(c, i, b, Platform.BYTE_ARRAY_OFFSET, b.length);
      setValid(c, i);
    }
  }

  /** Grows every vector's fixed-width (validity, values, offsets) buffers to hold {@code rows}. */
  private void grow(int rows) {
    for (FieldVector v : vectors) {
      while (v.getValueCapacity() < rows) {
        if (v instanceof BaseVariableWidthVector w) {
          w.reallocValidityAndOffsetBuffers();
        } else {
          v.reAlloc();
        }
      }
    }
    capacity = Integer.MAX_VALUE;
    for (FieldVector v : vectors) {
      capacity = Math.min(capacity, v.getValueCapacity());
    }
    refreshAddresses();
  }

  private void refreshAddresses() {
    for (int c = 0; c < vectors.length; c++) {
      FieldVector v = vectors[c];
      validityAddress[c] = v.getValidityBuffer().memoryAddress();
      if (v instanceof BaseVariableWidthVector w) {
        valueAddress[c] = w.getOffsetBuffer().memoryAddress();
        dataAddress[c] = w.getDataBuffer().memoryAddress();
        dataCapacity[c] = w.getDataBuffer().capacity();
      } else {
        valueAddress[c] = v.getDataBuffer().memoryAddress();
      }
    }
  }

  /** Room for {@code length} more string or binary bytes in column {@code c}. */
  private void reserveData(int c, long length) {
    long needed = dataEnd[c] + length;
    if (needed > dataCapacity[c]) {
      BaseVariableWidthVector v = (BaseVariableWidthVector) vectors[c];
      v.reallocDataBuffer(Math.max(needed, 2 * dataCapacity[c]));
      dataAddress[c] = v.getDataBuffer().memoryAddress();
      dataCapacity[c] = v.getDataBuffer().capacity();
    }
  }

  private void setValid(int c, int index) {
    long address = validityAddress[c] + (index >>> 3);
    Platform.putByte(null, address, (byte) (Platform.getByte(null, address) | (1 << (index & 7))));
  }

  /** A null: its validity bit stays 0 (the buffer starts zeroed); a string's offset repeats. */
  private void writeNull(int c, int index) {
    if (kinds[c] == STRING || kinds[c] == BINARY) {
      Platform.putInt(null, valueAddress[c] + 4L * (index + 1), (int) dataEnd[c]);
    }
  }

  private void writeValue(InternalRow row, int c, int i) {
    long a = valueAddress[c];
    switch (kinds[c]) {
      case BOOLEAN -> {
        if (row.getBoolean(c)) {
          long address = a + (i >>> 3);
          Platform.putByte(null, address,
              (byte) (Platform.getByte(null, address) | (1 << (i & 7))));
        }
      }
      case BYTE -> Platform.putByte(null, a + i, row.getByte(c));
      case SHORT -> Platform.putShort(null, a + 2L * i, row.getShort(c));
      case INT -> Platform.putInt(null, a + 4L * i, row.getInt(c));
      case LONG -> Platform.putLong(null, a + 8L * i, row.getLong(c));
      case FLOAT -> Platform.putFloat(null, a + 4L * i, row.getFloat(c));
      case DOUBLE -> Platform.putDouble(null, a + 8L * i, row.getDouble(c));
      case STRING -> {
        UTF8String s = row.getUTF8String(c);
        putBytes(c, i, s.getBaseObject(), s.getBaseOffset(), s.numBytes());
      }
      case BINARY -> {
        byte[] b = row.getBinary(c);
        putBytes(c, i, b, Platform.BYTE_ARRAY_OFFSET, b.length);
      }
      case DECIMAL64 -> {
        if (row instanceof UnsafeRow u) {
          // An UnsafeRow holds a decimal of precision <= 18 as its unscaled long, of this
          // column's precision and scale (UnsafeRowWriter): what getDecimal would wrap.
          putDecimal(a, i, u.getLong(c));
        } else {
          Decimal value = row.getDecimal(c, precisions[c], scales[c]);
          if (!value.changePrecision(precisions[c], scales[c])) {
            return; // as Spark's DecimalWriter: a value that does not fit the type is null
          }
          putDecimal(a, i, value.toUnscaledLong());
        }
      }
      case DECIMAL_WIDE -> {
        if (row instanceof UnsafeRow u) {
          putWideDecimal(a, i, u, c);
          break;
        }
        DecimalVector v = (DecimalVector) vectors[c];
        Decimal value = row.getDecimal(c, precisions[c], scales[c]);
        if (value.changePrecision(precisions[c], scales[c])) {
          v.set(i, value.toJavaBigDecimal());
        }
        return;
      }
      default -> throw new IllegalStateException("kind " + kinds[c]);
    }
    setValid(c, i);
  }

  private void putBytes(int c, int i, Object base, long offset, int length) {
    reserveData(c, length);
    Platform.copyMemory(base, offset, null, dataAddress[c] + dataEnd[c], length);
    dataEnd[c] += length;
    variableBytes += length;
    Platform.putInt(null, valueAddress[c] + 4L * (i + 1), (int) dataEnd[c]);
  }

  /** A 16-byte little-endian two's-complement decimal from its unscaled long. */
  private static void putDecimal(long address, int i, long unscaled) {
    Platform.putLong(null, address + 16L * i, unscaled);
    Platform.putLong(null, address + 16L * i + 8, unscaled >> 63);
  }

  /**
   * A wide decimal of an UnsafeRow: its field holds the offset (high 32 bits) and size of the
   * unscaled value's big-endian two's-complement bytes (at most 16), already of the column's
   * precision and scale (UnsafeRowWriter); Arrow's is 16 bytes little-endian, sign-extended.
   */
  private static void putWideDecimal(long address, int i, UnsafeRow u, int c) {
    long offsetAndSize = u.getLong(c);
    int size = (int) offsetAndSize;
    Object base = u.getBaseObject();
    long from = u.getBaseOffset() + (offsetAndSize >>> 32);
    // Shift the bytes into a 128-bit two's complement (high, low), starting from the sign.
    long high = size > 0 && Platform.getByte(base, from) < 0 ? -1L : 0L;
    long low = high;
    for (int k = 0; k < size; k++) {
      high = (high << 8) | (low >>> 56);
      low = (low << 8) | (Platform.getByte(base, from + k) & 0xFF);
    }
    Platform.putLong(null, address + 16L * i, low);
    Platform.putLong(null, address + 16L * i + 8, high);
  }

  /** Rows {@code [from, from + n)} of one fixed-width column vector at Arrow indexes {@code at…}. */
  private void writeColumn(ColumnVector col, int c, int from, int n, int at) {
    long a = valueAddress[c];
    boolean nulls = col.hasNull();
    int end = from + n;
    switch (kinds[c]) {
      case INT -> {
        for (int r = from, i = at; r < end; r++, i++) {
          if (!nulls || !col.isNullAt(r)) {
            Platform.putInt(null, a + 4L * i, col.getInt(r));
            setValid(c, i);
          }
        }
      }
      case LONG -> {
        for (int r = from, i = at; r < end; r++, i++) {
          if (!nulls || !col.isNullAt(r)) {
            Platform.putLong(null, a + 8L * i, col.getLong(r));
            setValid(c, i);
          }
        }
      }
      case DOUBLE -> {
        for (int r = from, i = at; r < end; r++, i++) {
          if (!nulls || !col.isNullAt(r)) {
            Platform.putDouble(null, a + 8L * i, col.getDouble(r));
            setValid(c, i);
          }
        }
      }
      case DECIMAL64 -> {
        int p = precisions[c];
        int s = scales[c];
        // WritableColumnVector.getDecimal wraps exactly these: an int up to precision 9, else a
        // long, of the column's precision and scale.
        boolean raw = col instanceof WritableColumnVector;
        boolean asInt = p <= Decimal.MAX_INT_DIGITS();
        for (int r = from, i = at; r < end; r++, i++) {
          if (nulls && col.isNullAt(r)) {
            continue;
          }
          if (raw) {
            putDecimal(a, i, asInt ? col.getInt(r) : col.getLong(r));
          } else {
            Decimal value = col.getDecimal(r, p, s);
            if (!value.changePrecision(p, s)) {
              continue;
            }
            putDecimal(a, i, value.toUnscaledLong());
          }
          setValid(c, i);
        }
      }
      default -> {
        // The other kinds through the batch's row view, one value at a time.
        for (int r = from, i = at; r < end; r++, i++) {
          if (nulls && col.isNullAt(r)) {
            writeNull(c, i);
          } else {
            writeValue(batch.getRow(r), c, i);
          }
        }
      }
    }
  }

  /**
   * The payload: schema message, the batch's message and body, end-of-stream marker, copied once
   * from the vectors' buffers into an array of the payload's exact size.
   */
  private byte[] serialize() {
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      // The IPC framing of MessageSerializer.serialize: continuation token and length (8 bytes),
      // then the flatbuffer metadata padded to 8 bytes, then the body; 8 bytes of end marker.
      long framed = 8 + MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT).remaining();
      framed += (8 - framed % 8) % 8;
      long size = schemaMessage.length + framed + batch.computeBodyLength() + 8;
      ArrayChannel out = new ArrayChannel((int) Math.min(Integer.MAX_VALUE - 64, size));
      out.put(schemaMessage);
      WriteChannel channel = new WriteChannel(out);
      MessageSerializer.serialize(channel, batch);
      ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
      return out.bytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A channel into one array, grown if a write needs it; each write is one bulk copy. */
  private static final class ArrayChannel implements WritableByteChannel {
    private byte[] bytes;
    private int length;

    ArrayChannel(int capacity) {
      bytes = new byte[capacity];
    }

    void put(byte[] b) {
      reserve(b.length);
      System.arraycopy(b, 0, bytes, length, b.length);
      length += b.length;
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      reserve(n);
      src.get(bytes, length, n);
      length += n;
      return n;
    }

    private void reserve(int n) {
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(length + n, 2 * bytes.length));
      }
    }

    /** The bytes written (the array itself when it was sized exactly). */
    byte[] bytes() {
      return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      root.close();
      allocator.close();
    }
  }
}
