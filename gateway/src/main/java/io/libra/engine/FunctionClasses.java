package io.libra.engine;

import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Hive function classes that reach Java or server files, refused whatever name a function was
 * registered under and whoever registered it: Hive's reflection UDFs
 * ({@code GenericUDFReflect}, {@code GenericUDFReflect2} and any other subclass of
 * {@code AbstractGenericUDFReflect}: any static Java method, as {@code reflect} and
 * {@code java_method} do), {@code GenericUDFInFile} ({@code in_file}: reads a server file) and
 * the xpath UDFs of {@code org.apache.hadoop.hive.ql.udf.xml} (they resolve external entities:
 * the gateway fetches any URL).
 * {@code CREATE FUNCTION … AS} one of them is refused even for admins ({@link UserSqlBoundary}),
 * and a call of one — an admin's permanent function, a temporary one made before — is refused in
 * every statement ({@link SqlGuard}).
 */
final class FunctionClasses {
  private static final Set<String> DENIED = Set.of(
      "org.apache.hadoop.hive.ql.udf.generic.GenericUDFReflect",
      "org.apache.hadoop.hive.ql.udf.generic.GenericUDFReflect2",
      "org.apache.hadoop.hive.ql.udf.generic.GenericUDFInFile");
  private static final Set<String> BASES = Set.of(
      "org.apache.hadoop.hive.ql.udf.generic.AbstractGenericUDFReflect",
      "org.apache.hadoop.hive.ql.udf.generic.GenericUDFInFile");
  /** Hive's xpath UDFs (UDFXPathString, GenericUDFXPath, …): they resolve external entities. */
  private static final String XML_PACKAGE = "org.apache.hadoop.hive.ql.udf.xml.";
  private static final Set<String> HIVE_CALLS = Set.of(
      "org.apache.spark.sql.hive.HiveGenericUDF", "org.apache.spark.sql.hive.HiveSimpleUDF",
      "org.apache.spark.sql.hive.HiveGenericUDTF", "org.apache.spark.sql.hive.HiveUDAFFunction");

  private FunctionClasses() {}

  /** Whether functions of class {@code name} are refused. */
  static boolean denied(String name) {
    if (name == null) {
      return false;
    }
    if (DENIED.contains(name.trim()) || name.trim().startsWith(XML_PACKAGE)) {
      return true;
    }
    try {
      Class<?> c = Class.forName(name.trim(), false, Thread.currentThread().getContextClassLoader());
      for (Class<?> k = c; k != null; k = k.getSuperclass()) {
        if (BASES.contains(k.getName())) {
          return true;
        }
      }
    } catch (ClassNotFoundException | LinkageError e) {
      // not loadable here: Spark reports it when the function is used
    }
    return false;
  }

  /** The Hive function class an expression calls, or null when it is not a Hive function call. */
  static String hiveClass(Expression e) {
    if (!HIVE_CALLS.contains(e.getClass().getName())) {
      return null;
    }
    try {
      Object wrapper = e.getClass().getMethod("funcWrapper").invoke(e);
      return (String) wrapper.getClass().getMethod("functionClassName").invoke(wrapper);
    } catch (ReflectiveOperationException ex) {
      throw new IllegalStateException("cannot tell the class of Hive function " + e.prettyName(),
          ex);
    }
  }
}
