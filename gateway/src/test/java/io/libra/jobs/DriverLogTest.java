package io.libra.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriverLogTest {
  @Test
  void failureIsTheMainThreadsException() throws Exception {
    Path log = Files.createTempFile("driver", ".log");
    Files.writeString(log, """
        26/11/29 17:51:15 INFO SparkContext: Running Spark version 4.0.1
        Exception in thread "main" java.lang.IllegalStateException: boom
        \tat x.Main.main(Main.java:3)
        Caused by: java.io.IOException: disk
        26/11/29 17:51:16 INFO ShutdownHookManager: Shutdown hook called
        """);
    assertEquals("Exception in thread \"main\" java.lang.IllegalStateException: boom",
        DriverLog.failure(log));
    assertEquals(List.of("Caused by: java.io.IOException: disk",
        "26/11/29 17:51:16 INFO ShutdownHookManager: Shutdown hook called"),
        DriverLog.tail(log, 2));
  }

  @Test
  void pythonFailureNamesThePythonException() throws Exception {
    Path log = Files.createTempFile("driver", ".log");
    Files.writeString(log, """
        Traceback (most recent call last):
          File "/apps/job.py", line 4, in <module>
            raise ValueError("bad input")
        ValueError: bad input
        Exception in thread "main" org.apache.spark.SparkUserAppException: User application exited with 1
        """);
    assertEquals("ValueError: bad input (Exception in thread \"main\""
        + " org.apache.spark.SparkUserAppException: User application exited with 1)",
        DriverLog.failure(log));
  }

  @Test
  void noExceptionNoFailureText() throws Exception {
    Path log = Files.createTempFile("driver", ".log");
    Files.writeString(log, "26/11/29 INFO all fine\n");
    assertNull(DriverLog.failure(log));
    assertNull(DriverLog.failure(log.resolveSibling("missing.log")));
  }
}
