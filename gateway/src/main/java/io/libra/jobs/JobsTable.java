package io.libra.jobs;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
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
 * Table {@code libra.jobs} as one user sees it ({@link JobRows#SCHEMA}). A scan reads the registry
 * on the driver when it is planned and ships the rows in its single partition.
 */
final class JobsTable implements SupportsRead {
  private final JobManager manager;
  private final String user;

  /** @param user who reads; null sees nothing */
  JobsTable(JobManager manager, String user) {
    this.manager = manager;
    this.user = user;
  }

  @Override
  public String name() {
    return "libra.jobs";
  }

  @Override
  public StructType schema() {
    return JobRows.SCHEMA;
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
        return JobRows.SCHEMA;
      }

      @Override
      public Batch toBatch() {
        return new Batch() {
          @Override
          public InputPartition[] planInputPartitions() {
            return new InputPartition[] {new RowsPartition(rows())};
          }

          @Override
          public PartitionReaderFactory createReaderFactory() {
            return partition -> reader(((RowsPartition) partition).rows());
          }
        };
      }
    };
  }

  private InternalRow[] rows() {
    if (user == null) {
      return new InternalRow[0];
    }
    try {
      List<JobRecord> jobs = manager.list(user);
      return jobs.stream().map(JobRows::toInternalRow).toArray(InternalRow[]::new);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the job registry: " + e.getMessage(), e);
    }
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
