package io.libra.results;

import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.arrow.ArrowConverters;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.TaskCompletionListener;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns a query's physical result ({@code RDD[InternalRow]}) into an RDD of Arrow IPC payloads,
 * converted inside the Spark tasks on the executors — never as Java rows on the driver.
 *
 * <p>Each element is a self-contained Arrow IPC stream (schema message, one record batch,
 * end-of-stream marker). Flat schemas of common types are written by {@link DirectArrowWriter};
 * others by Spark's {@code ArrowConverters.toBatchWithSchemaIterator}, the path Spark Connect uses.
 * Both give the same bytes. A batch holds at most {@code maxRecordsPerBatch} rows and is closed
 * once its estimated size reaches {@code maxBatchBytes}.
 */
public final class ArrowBatchRdd {
  private ArrowBatchRdd() {}

  /**
   * The Arrow payloads of a physical plan's result. A plan that reads a columnar operator directly
   * (a vectorized file scan, {@link ColumnarSource}) is converted from its column batches, skipping
   * Spark's row conversion, when {@link DirectArrowWriter} takes its types; any other plan from its
   * rows ({@code QueryExecution.toRdd}, which carries the session's SQL conf to the tasks).
   */
  public static JavaRDD<byte[]> of(QueryExecution qe, StructType schema, String timeZone,
      long maxRecordsPerBatch, long maxBatchBytes) {
    if (DirectArrowWriter.supports(schema)) {
      RDD<ColumnarBatch> batches = ColumnarSource.batches(qe.executedPlan(), schema);
      if (batches != null) {
        return convert(batches, new Convert(schema, timeZone, maxRecordsPerBatch,
            maxBatchBytes), true);
      }
    }
    return of(qe.toRdd(), schema, timeZone, maxRecordsPerBatch, maxBatchBytes);
  }

  /** The Arrow payloads of rows ({@code RDD[InternalRow]}). */
  public static JavaRDD<byte[]> of(RDD<InternalRow> rows, StructType schema,
      String timeZone, long maxRecordsPerBatch, long maxBatchBytes) {
    return convert(rows, new Convert(schema, timeZone, maxRecordsPerBatch, maxBatchBytes), false);
  }

  /**
   * {@code RDD.mapPartitionsInternal} with a named function class: unlike
   * {@code JavaRDD.mapPartitions}, which wraps the function in a Scala closure that
   * {@code SparkContext.clean} inspects (the ClosureCleaner reads class files from the jars:
   * milliseconds on every query), nothing is cleaned.
   */
  private static <T> JavaRDD<byte[]> convert(RDD<T> input, Convert convert, boolean columnar) {
    RDD<byte[]> out = input.mapPartitionsInternal(new PerPartition<>(convert, columnar), true,
        scala.reflect.ClassTag$.MODULE$.apply(byte[].class));
    return out.toJavaRDD();
  }

  /** One partition's rows (or column batches) → its Arrow payloads, in the task. */
  private static final class PerPartition<T> extends
      scala.runtime.AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<byte[]>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Convert convert;
    private final boolean columnar;

    PerPartition(Convert convert, boolean columnar) {
      this.convert = convert;
      this.columnar = columnar;
    }

    @Override
    @SuppressWarnings("unchecked")
    public scala.collection.Iterator<byte[]> apply(scala.collection.Iterator<T> partition) {
      Iterator<T> it = CollectionConverters.asJava(partition);
      return CollectionConverters.asScala(columnar
          ? convert.batches((Iterator<ColumnarBatch>) it)
          : convert.call((Iterator<InternalRow>) it));
    }
  }

  /**
   * The same conversion on the driver, for rows that are already there (a
   * {@code LocalTableScanExec}: {@code SELECT 1}, {@code VALUES}, folded constants) — no Spark job.
   */
  public static Iterator<byte[]> local(InternalRow[] rows, StructType schema, String timeZone,
      long maxRecordsPerBatch, long maxBatchBytes) {
    return new Convert(schema, timeZone, maxRecordsPerBatch, maxBatchBytes)
        .call(java.util.Arrays.asList(rows).iterator());
  }

  /** The per-partition conversion; serialized to the executors. */
  private static final class Convert implements FlatMapFunction<Iterator<InternalRow>, byte[]> {
    private static final long serialVersionUID = 1L;
    private final StructType schema;
    private final String timeZone;
    private final long maxRecords;
    private final long maxBytes;
    /** Whether {@link DirectArrowWriter} takes the schema (else Spark's converter). */
    private final boolean direct;

    Convert(StructType schema, String timeZone, long maxRecords, long maxBytes) {
      this.schema = schema;
      this.timeZone = timeZone;
      this.maxRecords = maxRecords;
      this.maxBytes = maxBytes;
      this.direct = DirectArrowWriter.supports(schema);
    }

    /** A vectorized scan's column batches, written column by column (direct schemas only). */
    Iterator<byte[]> batches(Iterator<ColumnarBatch> batches) {
      return closedWithTask(DirectArrowWriter.ofBatches(batches, schema, timeZone, maxRecords,
          maxBytes));
    }

    private static DirectArrowWriter closedWithTask(DirectArrowWriter writer) {
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((TaskCompletionListener) context -> writer.close());
      }
      return writer;
    }

    @Override
    public Iterator<byte[]> call(Iterator<InternalRow> rows) {
      if (direct) {
        return closedWithTask(new DirectArrowWriter(rows, schema, timeZone, maxRecords,
            maxBytes));
      }
      ArrowConverters.ArrowBatchWithSchemaIterator batches =
          ArrowConverters$.MODULE$.toBatchWithSchemaIterator(CollectionConverters.asScala(rows),
              schema, maxRecords, maxBytes, timeZone, false, false);
      return CollectionConverters.asJava(batches);
    }
  }
}
