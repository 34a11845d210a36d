package io.libra.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a driver's output file ({@code <work dir>/jobs/<id>/driver.log}: stdout and stderr of the
 * driver JVM, merged).
 */
public final class DriverLog {
  /** {@code Exception in thread "main" x.Y: msg} or a line that starts with an exception class. */
  private static final Pattern EXCEPTION = Pattern.compile(
      "^(Exception in thread \"[^\"]*\" )?([\\w$]+\\.)*[\\w$]*(Exception|Error)(: .*)?$");

  private DriverLog() {}

  /**
   * The last {@code n} lines (all when shorter); empty when the file does not exist yet.
   *
   * @throws IOException when the file cannot be read
   */
  public static List<String> tail(Path file, int n) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    Deque<String> last = new ArrayDeque<>(Math.min(n, 10_000) + 1);
    try (Stream<String> lines = lines(file)) {
      lines.forEach(line -> {
        last.addLast(line);
        if (last.size() > n) {
          last.removeFirst();
        }
      });
    }
    return List.copyOf(last);
  }

  /**
   * Why a failed driver failed: the line naming the main thread's uncaught exception
   * ({@code Exception in thread "main" …}); when that only says a Python application exited
   * non-zero ({@code SparkUserAppException}), the Python exception line before it comes first
   * ({@code ValueError: …} from the traceback). Without such lines, the last line that starts with
   * an exception class name; null when there is none.
   */
  public static String failure(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    String last = null;
    try (Stream<String> lines = lines(file)) {
      for (String line : (Iterable<String>) lines::iterator) {
        String l = line.strip();
        if (!EXCEPTION.matcher(l).matches()) {
          continue;
        }
        if (l.startsWith("Exception in thread")) {
          return l.contains("SparkUserAppException") && last != null ? last + " (" + l + ")" : l;
        }
        last = l;
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
    return last;
  }

  private static Stream<String> lines(Path file) throws IOException {
    // Driver output is not necessarily UTF-8 clean: replace bad bytes rather than fail.
    java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
        Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)));
    return reader.lines().onClose(() -> {
      try {
        reader.close();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }
}
