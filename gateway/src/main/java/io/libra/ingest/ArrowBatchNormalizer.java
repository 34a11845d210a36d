package io.libra.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ViewVarBinaryVector;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.complex.LargeListViewVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.ListViewVector;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/**
 * Turns a client's Arrow record batches into the exact Arrow layout Spark reads for a Spark schema
 * ({@code ArrowUtils.toArrowSchema(schema, sessionTimeZone)}), serialized as Arrow record batch
 * messages — the input of Spark's {@code ArrowConverters.toDataFrame}.
 *
 * <p>The Spark schema comes from the client's Arrow schema ({@code ArrowUtils.fromArrowSchema})
 * after these top-level conversions, which clients commonly need (pandas sends nanosecond
 * timestamps and, with pyarrow strings, {@code large_string}): timestamps of any unit become
 * microseconds (nanoseconds are floored), {@code date64} becomes {@code date32},
 * {@code large_string}/{@code large_binary} and the view types {@code string_view}/{@code
 * binary_view} (Arrow {@code Utf8View}/{@code BinaryView}, which pyarrow, DuckDB and Polars
 * produce) become {@code string}/{@code binary}, and {@code list_view}/{@code large_list_view}
 * become {@code list} (their elements as they are). Columns whose
 * layout already matches are passed on without a copy. Other types must match Spark's own layout.
 *
 * @see <a href="https://arrow.apache.org/docs/format/Columnar.html">Arrow columnar format</a>
 */
final class ArrowBatchNormalizer {
  private final Schema target;
  /** Per column: whether its values are converted (else its buffers are passed on as they are). */
  private final boolean[] converted;
  private final StructType sparkSchema;

  /**
   * @throws IllegalArgumentException naming the column when a client type has no Spark type
   */
  ArrowBatchNormalizer(Schema incoming, String sessionTimeZone) {
    List<Field> normalized = new ArrayList<>();
    for (Field f : incoming.getFields()) {
      if (f.getDictionary() != null) {
        throw new IllegalArgumentException("column '" + f.getName() + "' is dictionary-encoded;"
            + " send it decoded (pyarrow: pc.cast / dictionary_decode, pandas: astype(str))");
      }
      Field n = new Field(f.getName(), new FieldType(f.isNullable(), normalize(f.getType()),
          null, f.getMetadata()), f.getChildren());
      try {
        ArrowUtils.fromArrowSchema(new Schema(List.of(n)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("column '" + f.getName() + "' has Arrow type "
            + f.getType() + ", which Libra cannot store in a Spark table: " + e.getMessage());
      }
      normalized.add(n);
    }
    if (normalized.isEmpty()) {
      throw new IllegalArgumentException("the ingested data has no columns");
    }
    this.sparkSchema = ArrowUtils.fromArrowSchema(new Schema(normalized));
    this.target = ArrowUtils.toArrowSchema(sparkSchema, sessionTimeZone, true, false);
    this.converted = new boolean[normalized.size()];
    for (int i = 0; i < normalized.size(); i++) {
      Field in = normalized.get(i);
      converted[i] = !in.getType().equals(incoming.getFields().get(i).getType());
      if (!sameLayout(in, target.getFields().get(i))) {
        throw new IllegalArgumentException("column '" + in.getName() + "' has Arrow type "
            + incoming.getFields().get(i) + "; Libra stores it as Spark "
            + sparkSchema.fields()[i].dataType().sql() + " and needs the Arrow layout "
            + target.getFields().get(i) + " (nested values are not converted)");
      }
    }
  }

  /** The Spark schema the batches are read with. */
  StructType sparkSchema() {
    return sparkSchema;
  }

  private static ArrowType normalize(ArrowType t) {
    if (t instanceof ArrowType.Timestamp ts && ts.getUnit() != TimeUnit.MICROSECOND) {
      return new ArrowType.Timestamp(TimeUnit.MICROSECOND, ts.getTimezone());
    }
    if (t instanceof ArrowType.Date d && d.getUnit() == DateUnit.MILLISECOND) {
      return new ArrowType.Date(DateUnit.DAY);
    }
    if (t instanceof ArrowType.LargeUtf8 || t instanceof ArrowType.Utf8View) {
      return ArrowType.Utf8.INSTANCE;
    }
    if (t instanceof ArrowType.LargeBinary || t instanceof ArrowType.BinaryView) {
      return ArrowType.Binary.INSTANCE;
    }
    if (t instanceof ArrowType.ListView || t instanceof ArrowType.LargeListView) {
      return ArrowType.List.INSTANCE;
    }
    return t;
  }

  /** Same buffers and children; a timestamp's zone is metadata only. */
  private static boolean sameLayout(Field a, Field b) {
    ArrowType x = a.getType();
    ArrowType y = b.getType();
    boolean same = x instanceof ArrowType.Timestamp tx && y instanceof ArrowType.Timestamp ty
        ? tx.getUnit() == ty.getUnit() : x.equals(y);
    if (!same || a.getChildren().size() != b.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < a.getChildren().size(); i++) {
      if (!sameLayout(a.getChildren().get(i), b.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * One client batch as a serialized Arrow record batch message in Spark's layout.
   *
   * @param root a batch of the incoming schema (not modified)
   * @param allocator for converted columns, released before returning
   */
  byte[] serialize(VectorSchemaRoot root, BufferAllocator allocator) throws IOException {
    List<FieldVector> vectors = new ArrayList<>();
    List<FieldVector> owned = new ArrayList<>();
    try {
      for (int i = 0; i < root.getFieldVectors().size(); i++) {
        FieldVector in = root.getVector(i);
        if (!converted[i]) {
          vectors.add(in);
        } else {
          FieldVector out = target.getFields().get(i).createVector(allocator);
          owned.add(out);
          convert(in, out, root.getRowCount());
          vectors.add(out);
        }
      }
      List<Field> fields = new ArrayList<>();
      for (FieldVector v : vectors) {
        fields.add(v.getField());
      }
      VectorSchemaRoot batch = new VectorSchemaRoot(fields, vectors, root.getRowCount());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArrowRecordBatch message = new VectorUnloader(batch).getRecordBatch()) {
        MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), message);
      }
      return out.toByteArray();
    } finally {
      owned.forEach(FieldVector::close);
    }
  }

  private static void convert(FieldVector in, FieldVector out, int rows) {
    out.setInitialCapacity(rows);
    out.allocateNew();
    for (int r = 0; r < rows; r++) {
      if (in.isNull(r)) {
        out.setNull(r);
      } else if (in instanceof TimeStampVector ts) {
        long micros = switch (((ArrowType.Timestamp) in.getField().getType()).getUnit()) {
          case SECOND -> Math.multiplyExact(ts.get(r), 1_000_000L);
          case MILLISECOND -> Math.multiplyExact(ts.get(r), 1_000L);
          case NANOSECOND -> Math.floorDiv(ts.get(r), 1_000L);
          case MICROSECOND -> ts.get(r);
        };
        ((TimeStampVector) out).setSafe(r, micros);
      } else if (in instanceof DateMilliVector d) {
        ((DateDayVector) out).setSafe(r, (int) Math.floorDiv(d.get(r), 86_400_000L));
      } else if (in instanceof BaseLargeVariableWidthVector v) {
        ((BaseVariableWidthVector) out).setSafe(r, v.get(r));
      } else if (in instanceof ViewVarCharVector v) {
        ((BaseVariableWidthVector) out).setSafe(r, v.get(r));
      } else if (in instanceof ViewVarBinaryVector v) {
        ((BaseVariableWidthVector) out).setSafe(r, v.get(r));
      } else if (in instanceof ListViewVector v) {
        copyElements(v.getDataVector(), v.getOffsetBuffer().getInt((long) r * Integer.BYTES),
            v.getSizeBuffer().getInt((long) r * Integer.BYTES), (ListVector) out, r);
      } else if (in instanceof LargeListViewVector v) {
        copyElements(v.getDataVector(), v.getOffsetBuffer().getLong((long) r * Long.BYTES),
            v.getSizeBuffer().getLong((long) r * Long.BYTES), (ListVector) out, r);
      } else {
        throw new IllegalStateException("no conversion for " + in.getField());
      }
    }
    out.setValueCount(rows);
  }

  /** Row {@code row} of {@code out}: the {@code size} elements of {@code from} from {@code start}. */
  private static void copyElements(FieldVector from, long start, long size, ListVector out,
      int row) {
    if (start + size > from.getValueCount() || start < 0 || size < 0) {
      throw new IllegalArgumentException("list view row " + row + " points past its elements");
    }
    int at = out.startNewValue(row);
    FieldVector elements = out.getDataVector();
    for (int k = 0; k < size; k++) {
      elements.copyFromSafe((int) (start + k), at + k, from);
    }
    out.endValue(row, (int) size);
  }
}
