package io.libra.results;

import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/**
 * The one Spark → Arrow schema mapping used for FlightInfo schemas, prepared statement
 * {@code dataset_schema} and the record batches of the stream, so that all three are identical
 * (field names, types, nullability).
 *
 * <p>Delegates to Spark's {@code ArrowUtils.toArrowSchema} (the mapping Spark Connect and PySpark
 * use): timestamps carry the session time zone, timestamp_ntz none, decimals are decimal128, strings
 * utf8 (not large). Duplicate field names (a join selecting {@code a.id, b.id}) are kept.
 */
public final class SparkArrowSchema {
  private SparkArrowSchema() {}

  /**
   * @param sparkSchema the Dataset schema
   * @param sessionTimeZone {@code spark.sql.session.timeZone} (IANA name or offset)
   */
  public static Schema toArrow(StructType sparkSchema, String sessionTimeZone) {
    return ArrowUtils.toArrowSchema(sparkSchema, sessionTimeZone, false, false);
  }
}
