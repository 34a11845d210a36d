package io.libra.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Python with pyspark 4.0.1 for python-file jobs: system property {@code libra.test.python},
 * else environment {@code PYSPARK_PYTHON}, else the repository's {@code .venv/bin/python} (which
 * {@code scripts/test} creates with pyspark before running Maven). Tests needing it are skipped,
 * with the reason, when there is none.
 */
final class PySpark {
  private PySpark() {}

  static String python() throws Exception {
    List<String> candidates = new ArrayList<>();
    if (System.getProperty("libra.test.python") != null) {
      candidates.add(System.getProperty("libra.test.python"));
    }
    if (System.getenv("PYSPARK_PYTHON") != null) {
      candidates.add(System.getenv("PYSPARK_PYTHON"));
    }
    candidates.add(TestGateway.home().resolve(".venv/bin/python").toString());
    for (String python : candidates) {
      if (Files.isExecutable(Path.of(python)) && hasPySpark(python)) {
        return python;
      }
    }
    Assumptions.abort("no Python with pyspark 4.0.1 (tried " + candidates + "); scripts/test"
        + " installs it into .venv before running Maven");
    return null;
  }

  private static boolean hasPySpark(String python) throws Exception {
    Process p = new ProcessBuilder(python, "-c",
        "import pyspark, sys; sys.exit(0 if pyspark.__version__ == '4.0.1' else 1)")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
