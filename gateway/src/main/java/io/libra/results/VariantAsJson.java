package io.libra.results;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VariantType;

/**
 * Libra's representation of Spark 4's VARIANT: a top-level VARIANT column is sent as its JSON text
 * ({@code CAST(v AS STRING)}, utf8), which every client and BI tool can show and parse, instead of
 * Spark's internal Arrow form (a struct of {@code value} and {@code metadata} binaries). The Flight
 * SQL column metadata keeps {@code TYPE_NAME=VARIANT}. VARIANT nested inside arrays, maps or
 * structs keeps Spark's form.
 */
public final class VariantAsJson {
  private VariantAsJson() {}

  /** Whether a schema has a top-level VARIANT column. */
  public static boolean hasVariant(StructType schema) {
    for (StructField f : schema.fields()) {
      if (f.dataType() instanceof VariantType) {
        return true;
      }
    }
    return false;
  }

  /** The schema as sent: top-level VARIANT fields become STRING. */
  public static StructType wireSchema(StructType schema) {
    StructField[] fields = schema.fields();
    StructField[] out = new StructField[fields.length];
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      out[i] = f.dataType() instanceof VariantType
          ? new StructField(f.name(), DataTypes.StringType, f.nullable(), f.metadata()) : f;
    }
    return new StructType(out);
  }

  /**
   * The Dataset as sent: top-level VARIANT columns cast to their JSON text. Left unchanged when it
   * has no VARIANT column, or when duplicate column names make columns unaddressable by name.
   */
  public static Dataset<Row> apply(Dataset<Row> dataset) {
    StructField[] fields = dataset.schema().fields();
    boolean hasVariant = false;
    Set<String> names = new HashSet<>();
    for (StructField f : fields) {
      hasVariant |= f.dataType() instanceof VariantType;
      if (!names.add(f.name().toLowerCase(java.util.Locale.ROOT))) {
        return dataset;
      }
    }
    if (!hasVariant) {
      return dataset;
    }
    List<Column> columns = new ArrayList<>();
    for (StructField f : fields) {
      Column c = dataset.col("`" + f.name().replace("`", "``") + "`");
      columns.add(f.dataType() instanceof VariantType
          ? c.cast(DataTypes.StringType).alias(f.name()) : c);
    }
    return dataset.select(columns.toArray(new Column[0]));
  }
}
