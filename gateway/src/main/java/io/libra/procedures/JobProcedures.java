package io.libra.procedures;

import static io.libra.procedures.ProcedureParameter.Type.INT;
import static io.libra.procedures.ProcedureParameter.Type.STRING;
import static io.libra.procedures.ProcedureParameter.Type.STRING_ARRAY;
import static io.libra.procedures.ProcedureParameter.Type.STRING_MAP;
import static io.libra.procedures.ProcedureParameter.optional;
import static io.libra.procedures.ProcedureParameter.required;

import io.libra.jobs.JobKind;
import io.libra.jobs.JobManager;
import io.libra.jobs.JobRecord;
import io.libra.jobs.JobRows;
import io.libra.jobs.JobSpec;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The job procedures:
 * <ul>
 *   <li>{@code submit_job(kind, resource, main_class, args, conf, name)} → job_id, state,
 *       submitted_at;</li>
 *   <li>{@code job_status(job_id)} → one row of {@link JobRows#SCHEMA};</li>
 *   <li>{@code cancel_job(job_id)} → job_id, state;</li>
 *   <li>{@code job_log(job_id, tail)} → line_number, line: the last {@code tail} (default 100,
 *       at most 100,000) lines of the driver's output.</li>
 * </ul>
 */
public final class JobProcedures {
  private static final int MAX_LOG_LINES = 100_000;

  private JobProcedures() {}

  /** The four procedures, backed by {@code jobs}. */
  public static List<Procedure> all(JobManager jobs) {
    return List.of(submit(jobs), status(jobs), cancel(jobs), log(jobs));
  }

  private static Procedure submit(JobManager jobs) {
    StructType schema = new StructType().add("job_id", DataTypes.StringType, false)
        .add("state", DataTypes.StringType, false)
        .add("submitted_at", DataTypes.TimestampType, false);
    return new Procedure("submit_job", List.of(required("kind", STRING),
        required("resource", STRING), optional("main_class", STRING),
        optional("args", STRING_ARRAY), optional("conf", STRING_MAP), optional("name", STRING)),
        schema, (caller, a) -> {
          JobKind kind = JobKind.parse(a.string("kind"));
          String mainClass = a.string("main_class");
          if (kind != JobKind.PYTHON_FILE && (mainClass == null || mainClass.isBlank())) {
            throw new IllegalArgumentException("argument 'main_class' of libra.submit_job is"
                + " required for kind '" + kind.sqlName() + "'");
          }
          if (kind == JobKind.PYTHON_FILE && mainClass != null) {
            throw new IllegalArgumentException("argument 'main_class' of libra.submit_job does"
                + " not apply to kind 'python-file'");
          }
          String resource = a.string("resource");
          String name = a.string("name", defaultName(resource));
          JobRecord job = jobs.submit(caller.user(), new JobSpec(kind, resource, mainClass,
              a.strings("args"), a.map("conf"), name), caller.spark(), caller.pool());
          return List.of(RowFactory.create(job.id(), job.state().name(),
              Timestamp.from(job.submittedAt())));
        });
  }

  private static String defaultName(String resource) {
    String file = resource.substring(resource.lastIndexOf('/') + 1);
    return file.isEmpty() ? "job" : file;
  }

  private static Procedure status(JobManager jobs) {
    return new Procedure("job_status", List.of(required("job_id", STRING)), JobRows.SCHEMA,
        (caller, a) -> List.of(JobRows.toRow(jobs.status(caller.user(), a.string("job_id")))));
  }

  private static Procedure cancel(JobManager jobs) {
    StructType schema = new StructType().add("job_id", DataTypes.StringType, false)
        .add("state", DataTypes.StringType, false);
    return new Procedure("cancel_job", List.of(required("job_id", STRING)), schema,
        (caller, a) -> {
          JobRecord j = jobs.cancel(caller.user(), a.string("job_id"));
          return List.of(RowFactory.create(j.id(), j.state().name()));
        });
  }

  private static Procedure log(JobManager jobs) {
    StructType schema = new StructType().add("line_number", DataTypes.IntegerType, false)
        .add("line", DataTypes.StringType, false);
    return new Procedure("job_log", List.of(required("job_id", STRING), optional("tail", INT)),
        schema, (caller, a) -> {
          int tail = a.integer("tail", 100);
          if (tail < 1 || tail > MAX_LOG_LINES) {
            throw new IllegalArgumentException("argument 'tail' of libra.job_log must be between"
                + " 1 and " + MAX_LOG_LINES + ", got " + tail);
          }
          List<String> lines = jobs.log(caller.user(), a.string("job_id"), tail);
          List<Row> rows = new ArrayList<>(lines.size());
          for (int i = 0; i < lines.size(); i++) {
            rows.add(RowFactory.create(i + 1, lines.get(i)));
          }
          return rows;
        });
  }
}
