package io.libra.ingest;

import io.libra.engine.FileAccessGuard;
import io.libra.operation.OperationRunner;
import io.libra.operation.StatementContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Bulk ingest (Flight SQL {@code CommandStatementIngest}, ADBC {@code adbc_ingest}) into a Spark
 * table, as one operation of the session (pool, job tag, cancellable).
 *
 * <p>Memory stays bounded whatever the upload's size: client batches are converted to Spark's
 * Arrow layout ({@link ArrowBatchNormalizer}) and gathered into chunks of at most
 * {@code libra.ingest.chunk-bytes}; each chunk becomes a DataFrame ({@code
 * ArrowConverters.toDataFrame}) appended as Parquet to a staging directory under the warehouse
 * ({@code <spark.sql.warehouse.dir>/.libra-ingest/<id>}, on the cluster's shared file system).
 * When the upload ends the staged data is committed in one Spark write ({@code saveAsTable}):
 * create — a new Parquet table; append — into the existing table, columns matched by name;
 * replace — the table dropped and created anew. The staging directory is deleted on every path,
 * so a failed or cancelled upload leaves the target table untouched.
 */
public final class TableIngest {
  private static final Logger LOG = LoggerFactory.getLogger(TableIngest.class);

  /** The uploaded batches, one schema (the client's {@code DoPut} stream). */
  public interface BatchSource {
    Schema schema() throws Exception;

    /** Loads the next batch into {@link #root()}; false at the end of the upload. */
    boolean next() throws Exception;

    VectorSchemaRoot root();

    /**
     * Whether the upload ended because its client went away (cancelled, disconnected) rather
     * than completing it: then nothing is committed.
     */
    boolean clientGone();
  }

  private final OperationRunner runner;
  private final long chunkBytes;
  private final Runnable afterWrite;

  /**
   * @param chunkBytes serialized Arrow bytes gathered before a chunk is written to staging
   * @param afterWrite run after each committed ingest (other sessions' table caches)
   */
  public TableIngest(OperationRunner runner, long chunkBytes, Runnable afterWrite) {
    this.runner = runner;
    this.chunkBytes = chunkBytes;
    this.afterWrite = afterWrite;
  }

  /**
   * Ingests every batch of {@code source} into the requested table.
   *
   * @return the number of rows ingested
   * @throws TableExistsException mode create and the table exists (checked before reading data)
   * @throws TableMissingException mode append and no such table (checked before reading data)
   * @throws IllegalArgumentException a column type Spark cannot store, or columns that do not
   *     match the existing table
   */
  public long ingest(StatementContext ctx, IngestRequest request, BatchSource source)
      throws Exception {
    SparkSession spark = ctx.session().spark();
    if (!request.table().matches("[A-Za-z_][A-Za-z0-9_]*")) {
      // Checked before any data is written: Spark would stage the files, then refuse the name.
      throw new IllegalArgumentException("table name '" + request.table().replace("\0", "\\0")
          + "' is not allowed for bulk ingest: use letters, digits and _ (not starting with a"
          + " digit)");
    }
    String target = qualifiedName(spark, request);
    return runner.run(ctx, "INSERT INTO " + target + " (bulk ingest)", () -> {
      boolean exists = spark.catalog().tableExists(target);
      if (exists && request.ifExists() == IngestRequest.IfExists.FAIL) {
        throw new TableExistsException(target);
      }
      if (!exists && request.ifMissing() == IngestRequest.IfMissing.FAIL) {
        throw new TableMissingException(target);
      }
      io.libra.engine.UserSqlBoundary.requireIngestTarget(spark, new TableIdentifier(
          request.table(), scala.Option.apply(request.schema() != null ? request.schema()
              : spark.catalog().currentDatabase())), exists);
      if (exists && io.libra.engine.UserSqlBoundary.isRestricted(spark)) {
        // append and replace change the table: its owner's or an admin's (the write itself runs
        // as the gateway's own work, past the SQL boundary).
        io.libra.engine.TableOwners.requireMayChange(spark, new TableIdentifier(request.table(),
            scala.Option.apply(request.schema() != null ? request.schema()
                : spark.catalog().currentDatabase())), ctx.session().user(),
            io.libra.engine.UserSqlBoundary.isAdmin(spark), "ingest into");
      }
      ArrowBatchNormalizer normalizer = new ArrowBatchNormalizer(source.schema(),
          spark.sessionState().conf().sessionLocalTimeZone());
      Path staging = new Path(spark.sessionState().conf().warehousePath(),
          ".libra-ingest/" + UUID.randomUUID());
      FileSystem fs = staging.getFileSystem(spark.sessionState().newHadoopConf());
      try (BufferAllocator allocator = ctx.session().allocator().newChildAllocator(
          "ingest-" + request.table(), 0, Long.MAX_VALUE)) {
        // The staging directory is the gateway's own path: allowed whatever the user's role.
        long rows = FileAccessGuard.asGateway(() -> {
          long staged = stage(spark, source, normalizer, allocator, staging);
          if (source.clientGone()) {
            // A stream that ends without the client completing it is no upload: commit nothing
            // (the table is created only here, at commit).
            throw new java.util.concurrent.CancellationException("the client went away during"
                + " the upload of " + target + "; nothing was written");
          }
          commit(spark.read().schema(normalizer.sparkSchema()).parquet(staging.toString()),
              target, exists, request.ifExists());
          return staged;
        });
        afterWrite.run();
        LOG.info("ingested {} rows into {} ({})", rows, target,
            exists ? request.ifExists() : "created");
        return rows;
      } finally {
        try {
          fs.delete(staging, true);
        } catch (IOException e) {
          LOG.warn("could not delete ingest staging directory {}", staging, e);
        }
      }
    });
  }

  private long stage(SparkSession spark, BatchSource source, ArrowBatchNormalizer normalizer,
      BufferAllocator allocator, Path staging) throws Exception {
    String schemaJson = normalizer.sparkSchema().json();
    List<byte[]> chunk = new ArrayList<>();
    long bytes = 0;
    long rows = 0;
    boolean written = false;
    while (source.next()) {
      VectorSchemaRoot root = source.root();
      if (root.getRowCount() == 0) {
        continue;
      }
      byte[] batch = normalizer.serialize(root, allocator);
      chunk.add(batch);
      bytes += batch.length;
      rows += root.getRowCount();
      if (bytes >= chunkBytes) {
        writeChunk(spark, chunk, schemaJson, staging);
        chunk.clear();
        bytes = 0;
        written = true;
      }
    }
    if (!chunk.isEmpty() || !written) {
      // An empty upload still writes its schema, so the table is created with its columns.
      writeChunk(spark, chunk, schemaJson, staging);
    }
    return rows;
  }

  private static void writeChunk(SparkSession spark, List<byte[]> batches, String schemaJson,
      Path staging) {
    Dataset<Row> df = ArrowConverters$.MODULE$.toDataFrame(
        CollectionConverters.asScala(batches.iterator()), schemaJson, spark);
    df.write().mode(SaveMode.Append).parquet(staging.toString());
  }

  private static void commit(Dataset<Row> staged, String target, boolean exists,
      IngestRequest.IfExists ifExists) {
    if (!exists) {
      staged.write().format("parquet").mode(SaveMode.ErrorIfExists).saveAsTable(target);
    } else if (ifExists == IngestRequest.IfExists.APPEND) {
      staged.write().mode(SaveMode.Append).saveAsTable(target);
    } else {
      staged.write().format("parquet").mode(SaveMode.Overwrite).saveAsTable(target);
    }
  }

  /** {@code `catalog`.`schema`.`table`}, the session's current catalog and schema by default. */
  static String qualifiedName(SparkSession spark, IngestRequest r) {
    String catalog = r.catalog() != null ? r.catalog()
        : spark.sessionState().catalogManager().currentCatalog().name();
    String schema = r.schema() != null ? r.schema() : spark.catalog().currentDatabase();
    return quote(catalog) + "." + quote(schema) + "." + quote(r.table());
  }

  private static String quote(String part) {
    return "`" + part.replace("`", "``") + "`";
  }
}
