package io.libra.results;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
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
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Converts rows of a flat schema to Arrow IPC payloads by writing each value straight into the
 * Arrow vectors — the same bytes Spark's {@code ArrowConverters.toBatchWithSchemaIterator} produces
 * (same schema from {@code ArrowUtils.toArrowSchema}, same payload layout: schema message, one
 * record batch, end-of-stream marker), with less work per value:
 *
 * <ul>
 *   <li>decimals of precision ≤ 18 are written from their unscaled {@code long}, wider ones from
 *       the row's big-endian bytes (Spark builds a {@code java.math.BigDecimal} and calls
 *       {@code BigInteger.toByteArray} for every value);</li>
 *   <li>strings and binaries are copied from the row's bytes (Spark wraps each value in a
 *       {@code ByteBuffer} and copies through {@code ArrowBuf.setBytes(ByteBuffer)}).</li>
 * </ul>
 *
 * <p>Types: boolean, byte, short, int, long, float, double, string, binary, decimal, date,
 * timestamp and timestamp_ntz at the top level ({@link #supports}). Any other schema (nested
 * types, intervals, null, variant) uses Spark's converter ({@link ArrowBatchRdd}).
 *
 * <p>Rows may be any {@code InternalRow}: {@code UnsafeRow}s of a plan's result, or views over
 * column batches ({@link ColumnarSource}). Batches close at {@code maxRecords} rows or when the
 * batch's estimated Arrow size (fixed-width bytes per row plus the string and binary bytes written)
 * reaches {@code maxBytes}.
 */
final class DirectArrowWriter implements Iterator<byte[]>, AutoCloseable {
  private final Iterator<InternalRow> rows;
  private final long maxRecords;
  private final long maxBytes;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final ColumnWriter[] writers;
  private final byte[] schemaMessage;
  /** Arrow bytes a row takes in its fixed-width buffers (values, offsets, validity). */
  private final long fixedRowBytes;
  /** Bytes of string and binary values written into the current batch. */
  private long variableBytes;
  private boolean closed;

  DirectArrowWriter(Iterator<InternalRow> rows, StructType schema, String timeZone,
      long maxRecords, long maxBytes) {
    this.rows = rows;
    this.maxRecords = maxRecords <= 0 ? Long.MAX_VALUE : maxRecords;
    this.maxBytes = maxBytes <= 0 ? Long.MAX_VALUE : maxBytes;
    Schema arrowSchema = ArrowUtils.toArrowSchema(schema, timeZone, false, false);
    this.allocator = ArrowUtils.rootAllocator().newChildAllocator("libra-direct-writer", 0,
        Long.MAX_VALUE);
    this.root = VectorSchemaRoot.create(arrowSchema, allocator);
    StructField[] fields = schema.fields();
    this.writers = new ColumnWriter[fields.length];
    long fixed = 0;
    for (int i = 0; i < fields.length; i++) {
      writers[i] = writer(fields[i].dataType(), root.getVector(i));
      DataType t = fields[i].dataType();
      fixed += 1 + (t instanceof StringType || t instanceof BinaryType ? 4
          : t instanceof DecimalType ? 16 : t.defaultSize());
    }
    this.fixedRowBytes = fixed;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), arrowSchema);
      this.schemaMessage = out.toByteArray();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
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

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (!rows.hasNext()) {
      close();
      return false;
    }
    return true;
  }

  @Override
  public byte[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    for (FieldVector v : root.getFieldVectors()) {
      v.reset();
    }
    int count = 0;
    variableBytes = 0;
    while (rows.hasNext() && count < maxRecords
        && (count == 0 || fixedRowBytes * count + variableBytes < maxBytes)) {
      InternalRow row = rows.next();
      for (int c = 0; c < writers.length; c++) {
        writers[c].write(row, c, count);
      }
      count++;
    }
    root.setRowCount(count);
    return serialize();
  }

  private byte[] serialize() {
    long body = 0;
    for (FieldVector v : root.getFieldVectors()) {
      body += v.getBufferSize();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(
        (int) Math.min(Integer.MAX_VALUE - 64, schemaMessage.length + body + 1024));
    out.writeBytes(schemaMessage);
    WriteChannel channel = new WriteChannel(Channels.newChannel(out));
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      MessageSerializer.serialize(channel, batch);
      ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      root.close();
      allocator.close();
    }
  }

  /** Writes column {@code ordinal} of a row (null or not) at {@code index}. */
  private interface ColumnWriter {
    void write(InternalRow row, int ordinal, int index);
  }

  private ColumnWriter writer(DataType t, FieldVector vector) {
    ColumnWriter value = valueWriter(t, vector);
    return (row, ordinal, index) -> {
      if (row.isNullAt(ordinal)) {
        vector.setNull(index);
      } else {
        value.write(row, ordinal, index);
      }
    };
  }

  private ColumnWriter valueWriter(DataType t, FieldVector vector) {
    if (t instanceof BooleanType) {
      BitVector v = (BitVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getBoolean(o) ? 1 : 0);
    }
    if (t instanceof ByteType) {
      TinyIntVector v = (TinyIntVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getByte(o));
    }
    if (t instanceof ShortType) {
      SmallIntVector v = (SmallIntVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getShort(o));
    }
    if (t instanceof IntegerType) {
      IntVector v = (IntVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getInt(o));
    }
    if (t instanceof LongType) {
      BigIntVector v = (BigIntVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getLong(o));
    }
    if (t instanceof FloatType) {
      Float4Vector v = (Float4Vector) vector;
      return (row, o, i) -> v.setSafe(i, row.getFloat(o));
    }
    if (t instanceof DoubleType) {
      Float8Vector v = (Float8Vector) vector;
      return (row, o, i) -> v.setSafe(i, row.getDouble(o));
    }
    if (t instanceof StringType) {
      VarCharVector v = (VarCharVector) vector;
      return (row, o, i) -> {
        UTF8String s = row.getUTF8String(o);
        variableBytes += s.numBytes();
        if (s.getBaseObject() instanceof byte[] bytes) {
          v.setSafe(i, bytes, (int) (s.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET),
              s.numBytes());
        } else {
          v.setSafe(i, s.getBytes());
        }
      };
    }
    if (t instanceof BinaryType) {
      VarBinaryVector v = (VarBinaryVector) vector;
      return (row, o, i) -> {
        byte[] b = row.getBinary(o);
        variableBytes += b.length;
        v.setSafe(i, b);
      };
    }
    if (t instanceof DecimalType d) {
      DecimalVector v = (DecimalVector) vector;
      int precision = d.precision();
      int scale = d.scale();
      return (row, o, i) -> {
        if (precision > Decimal.MAX_LONG_DIGITS() && row instanceof UnsafeRow u) {
          // An UnsafeRow holds a wide decimal as its unscaled value's big-endian two's-complement
          // bytes, already of this column's precision and scale (UnsafeRowWriter).
          v.setBigEndianSafe(i, u.getBinary(o));
          return;
        }
        Decimal value = row.getDecimal(o, precision, scale);
        // As Spark's DecimalWriter: a value that does not fit the column's type is null.
        if (!value.changePrecision(precision, scale)) {
          v.setNull(i);
        } else if (precision <= Decimal.MAX_LONG_DIGITS()) {
          v.setSafe(i, value.toUnscaledLong());
        } else {
          v.setSafe(i, value.toJavaBigDecimal());
        }
      };
    }
    if (t instanceof DateType) {
      DateDayVector v = (DateDayVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getInt(o));
    }
    if (t instanceof TimestampType) {
      TimeStampMicroTZVector v = (TimeStampMicroTZVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getLong(o));
    }
    if (t instanceof TimestampNTZType) {
      TimeStampMicroVector v = (TimeStampMicroVector) vector;
      return (row, o, i) -> v.setSafe(i, row.getLong(o));
    }
    throw new IllegalArgumentException("no direct Arrow writer for " + t.sql());
  }
}
