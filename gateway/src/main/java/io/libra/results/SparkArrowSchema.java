package io.libra.results;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/**
 * The one Spark → Arrow schema mapping used for FlightInfo schemas, prepared statement
 * {@code dataset_schema}, {@code GetTables.table_schema} and the record batches of the stream, so
 * that all of them are identical (field names, types, nullability, metadata).
 *
 * <p>Types: Spark's {@code ArrowUtils.toArrowSchema} (the mapping Spark Connect and PySpark use):
 * timestamps carry the session time zone (as Arrow spells zones, {@link ArrowTimeZone}),
 * timestamp_ntz none, decimals are decimal128, strings
 * utf8 (not large), dates date32. Duplicate field names (a join selecting {@code a.id, b.id}) are
 * kept. Each top-level field also carries Flight SQL column metadata ({@code FlightSqlColumnMetadata}:
 * {@code ARROW:FLIGHT:SQL:TYPE_NAME} = Spark's SQL type name, precision/scale for decimals,
 * case-sensitivity for strings, read-only, searchable) so JDBC tools show Spark type names.
 * Top-level VARIANT columns travel as their JSON text (utf8, TYPE_NAME {@code VARIANT}), see
 * {@link VariantAsJson}.
 */
public final class SparkArrowSchema {
  private SparkArrowSchema() {}

  /**
   * @param sparkSchema the Dataset schema
   * @param sessionTimeZone {@code spark.sql.session.timeZone} (IANA name or offset)
   */
  public static Schema toArrow(StructType sparkSchema, String sessionTimeZone) {
    Schema plain = ArrowUtils.toArrowSchema(VariantAsJson.wireSchema(sparkSchema),
        ArrowTimeZone.of(sessionTimeZone), false, false);
    StructField[] sparkFields = sparkSchema.fields();
    List<Field> fields = new ArrayList<>(sparkFields.length);
    for (int i = 0; i < sparkFields.length; i++) {
      Field f = plain.getFields().get(i);
      FieldType type = new FieldType(f.isNullable(), f.getType(), f.getDictionary(),
          columnMetadata(sparkFields[i].dataType()).getMetadataMap());
      fields.add(new Field(f.getName(), type, f.getChildren()));
    }
    return new Schema(fields);
  }

  /**
   * The {@code parameter_schema} of a prepared statement: like {@link #toArrow} except that
   * timestamps are declared in milliseconds, because the Arrow Flight SQL JDBC driver (18.x) writes
   * {@code setTimestamp} values as epoch milliseconds whatever unit the field declares.
   */
  public static Schema toArrowParameters(StructType parameters, String sessionTimeZone) {
    List<Field> fields = new ArrayList<>();
    for (Field f : toArrow(parameters, sessionTimeZone).getFields()) {
      if (f.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.Timestamp ts) {
        f = new Field(f.getName(), new FieldType(f.isNullable(),
            new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(
                org.apache.arrow.vector.types.TimeUnit.MILLISECOND, ts.getTimezone()),
            null, f.getMetadata()), f.getChildren());
      }
      fields.add(f);
    }
    return new Schema(fields);
  }

  private static FlightSqlColumnMetadata columnMetadata(DataType type) {
    FlightSqlColumnMetadata.Builder b = new FlightSqlColumnMetadata.Builder()
        .typeName(type.sql())
        .isAutoIncrement(false)
        .isReadOnly(true)
        .isSearchable(true)
        .isCaseSensitive(type instanceof StringType);
    if (type instanceof DecimalType d) {
      b.precision(d.precision()).scale(d.scale());
    }
    return b.build();
  }
}
