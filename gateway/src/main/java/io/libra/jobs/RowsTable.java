package io.libra.jobs;

import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A read-only table of the {@code libra} catalog ({@code libra.jobs}, {@code libra.sessions}) as
 * one user sees it: a scan takes the rows on the driver when it is planned and ships them in its
 * single partition.
 */
final class RowsTable implements SupportsRead {
  private final String name;
  private final StructType schema;
  private final Supplier<InternalRow[]> rows;

  /** @param rows read once per scan, on the driver */
  RowsTable(String name, StructType schema, Supplier<InternalRow[]> rows) {
    this.name = name;
    this.schema = schema;
    this.rows = rows;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    return () -> new Scan() {
      @Override
      public StructType readSchema() {
        return schema;
      }

      @Override
      public Batch toBatch() {
        return new Batch() {
          @Override
          public InputPartition[] planInputPartitions() {
            return new InputPartition[] {new RowsPartition(rows.get())};
          }

          @Override
          public PartitionReaderFactory createReaderFactory() {
            return partition -> reader(((RowsPartition) partition).rows());
          }
        };
      }
    };
  }

  /** The rows of a scan, serialised with the task. */
  record RowsPartition(InternalRow[] rows) implements InputPartition {}

  private static PartitionReader<InternalRow> reader(InternalRow[] rows) {
    return new PartitionReader<>() {
      private int next = -1;

      @Override
      public boolean next() {
        return ++next < rows.length;
      }

      @Override
      public InternalRow get() {
        return rows[next];
      }

      @Override
      public void close() {}
    };
  }
}
