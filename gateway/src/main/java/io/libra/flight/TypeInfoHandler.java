package io.libra.flight;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;

/**
 * {@code CommandGetXdbcTypeInfo} (JDBC {@code DatabaseMetaData.getTypeInfo}): the Spark SQL types a
 * client can use in DDL and casts, with their JDBC type codes, sizes, literal quoting and create
 * parameters, ordered by JDBC type code as JDBC requires. Optional filter: {@code data_type}.
 */
final class TypeInfoHandler {
  /** Name, JDBC type, column size (precision; null when not applicable), literal prefix/suffix, create params, case sensitive, fixed precision/scale, radix. */
  private record TypeRow(String name, int jdbcType, Integer size, String prefix, String suffix,
      List<String> createParams, boolean caseSensitive, boolean fixedPrecScale, Integer radix,
      Integer minScale, Integer maxScale) {}

  private static final List<TypeRow> TYPES = List.of(
      new TypeRow("TINYINT", Types.TINYINT, 3, null, null, List.of(), false, false, 10, 0, 0),
      new TypeRow("BIGINT", Types.BIGINT, 19, null, null, List.of(), false, false, 10, 0, 0),
      new TypeRow("BINARY", Types.VARBINARY, Integer.MAX_VALUE, "X'", "'", List.of(), false,
          false, null, null, null),
      new TypeRow("STRING", Types.VARCHAR, Integer.MAX_VALUE, "'", "'", List.of(), true, false,
          null, null, null),
      new TypeRow("VARCHAR", Types.VARCHAR, Integer.MAX_VALUE, "'", "'", List.of("length"), true,
          false, null, null, null),
      new TypeRow("CHAR", Types.CHAR, Integer.MAX_VALUE, "'", "'", List.of("length"), true, false,
          null, null, null),
      new TypeRow("DECIMAL", Types.DECIMAL, 38, null, null, List.of("precision", "scale"), false,
          true, 10, 0, 38),
      new TypeRow("INT", Types.INTEGER, 10, null, null, List.of(), false, false, 10, 0, 0),
      new TypeRow("SMALLINT", Types.SMALLINT, 5, null, null, List.of(), false, false, 10, 0, 0),
      new TypeRow("FLOAT", Types.FLOAT, 7, null, null, List.of(), false, false, 2, null, null),
      new TypeRow("DOUBLE", Types.DOUBLE, 15, null, null, List.of(), false, false, 2, null, null),
      new TypeRow("BOOLEAN", Types.BOOLEAN, 1, null, null, List.of(), false, false, null, null,
          null),
      new TypeRow("DATE", Types.DATE, 10, "DATE '", "'", List.of(), false, false, null, null,
          null),
      new TypeRow("TIMESTAMP_NTZ", Types.TIMESTAMP, 26, "TIMESTAMP_NTZ '", "'", List.of(), false,
          false, null, 6, 6),
      new TypeRow("TIMESTAMP", Types.TIMESTAMP_WITH_TIMEZONE, 26, "TIMESTAMP '", "'", List.of(),
          false, false, null, 6, 6),
      new TypeRow("ARRAY", Types.ARRAY, null, null, null, List.of("element_type"), false, false,
          null, null, null),
      new TypeRow("MAP", Types.JAVA_OBJECT, null, null, null, List.of("key_type", "value_type"),
          false, false, null, null, null),
      new TypeRow("STRUCT", Types.STRUCT, null, null, null, List.of("fields"), false, false, null,
          null, null));

  void send(CommandGetXdbcTypeInfo command, BufferAllocator allocator,
      ServerStreamListener listener) {
    List<TypeRow> rows = TYPES.stream()
        .filter(t -> !command.hasDataType() || t.jdbcType() == command.getDataType())
        .sorted((a, b) -> Integer.compare(a.jdbcType(), b.jdbcType()))
        .toList();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_TYPE_INFO_SCHEMA, allocator)) {
      root.allocateNew();
      ListVector createParams = (ListVector) root.getVector("create_params");
      UnionListWriter writer = createParams.getWriter();
      for (int i = 0; i < rows.size(); i++) {
        TypeRow t = rows.get(i);
        text(root, "type_name", i, t.name());
        ((IntVector) root.getVector("data_type")).setSafe(i, t.jdbcType());
        intOrNull(root, "column_size", i, t.size());
        text(root, "literal_prefix", i, t.prefix());
        text(root, "literal_suffix", i, t.suffix());
        writer.setPosition(i);
        writer.startList();
        for (String p : t.createParams()) {
          byte[] b = p.getBytes(StandardCharsets.UTF_8);
          try (org.apache.arrow.memory.ArrowBuf buf = allocator.buffer(b.length)) {
            buf.setBytes(0, b);
            writer.varChar().writeVarChar(0, b.length, buf);
          }
        }
        writer.endList();
        ((IntVector) root.getVector("nullable")).setSafe(i, 1); // typeNullable
        ((BitVector) root.getVector("case_sensitive")).setSafe(i, t.caseSensitive() ? 1 : 0);
        ((IntVector) root.getVector("searchable")).setSafe(i, 3); // typeSearchable
        ((BitVector) root.getVector("unsigned_attribute")).setSafe(i, 0);
        ((BitVector) root.getVector("fixed_prec_scale")).setSafe(i, t.fixedPrecScale() ? 1 : 0);
        ((BitVector) root.getVector("auto_increment")).setSafe(i, 0);
        text(root, "local_type_name", i, t.name());
        intOrNull(root, "minimum_scale", i, t.minScale());
        intOrNull(root, "maximum_scale", i, t.maxScale());
        ((IntVector) root.getVector("sql_data_type")).setSafe(i, t.jdbcType());
        intOrNull(root, "datetime_subcode", i, null);
        intOrNull(root, "num_prec_radix", i, t.radix());
        intOrNull(root, "interval_precision", i, null);
      }
      createParams.setValueCount(rows.size());
      root.setRowCount(rows.size());
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }

  private static void text(VectorSchemaRoot root, String name, int i, String v) {
    VarCharVector vec = (VarCharVector) root.getVector(name);
    if (v == null) {
      vec.setNull(i);
    } else {
      vec.setSafe(i, v.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void intOrNull(VectorSchemaRoot root, String name, int i, Integer v) {
    IntVector vec = (IntVector) root.getVector(name);
    if (v == null) {
      vec.setNull(i);
    } else {
      vec.setSafe(i, v);
    }
  }
}
