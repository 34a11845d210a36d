package io.libra.operation;

import io.libra.results.ResultPartitions;

/**
 * The endpoints of one query result and which of them have been read: each endpoint's ticket
 * ({@code TicketStatementQuery.statement_handle} {@code <statement id>/<index>}) is read once, and
 * the statement completes when the last endpoint's stream does. Thread-safe: the endpoints of a
 * result are read at once, by several {@code DoGet} calls.
 */
final class EndpointReads {
  private final ResultPartitions partitions;
  private final boolean[] taken;
  private int untaken;
  private int unfinished;

  /** @param partitions the result's partitions, grouped into its endpoints */
  EndpointReads(ResultPartitions partitions) {
    this.partitions = partitions;
    this.taken = new boolean[partitions.endpoints()];
    this.untaken = taken.length;
    this.unfinished = taken.length;
  }

  /** A result of one endpoint. */
  static EndpointReads single() {
    return new EndpointReads(ResultPartitions.single());
  }

  ResultPartitions partitions() {
    return partitions;
  }

  int count() {
    return taken.length;
  }

  /**
   * The endpoint index of a ticket handle's part after {@code /}, or -1 unless it is written the
   * one way the FlightInfo writes it (ASCII digits, no sign, no leading zero): a ticket names one
   * endpoint by one spelling only.
   */
  static int parseIndex(String text) {
    if (!CANONICAL_INDEX.matcher(text).matches()) {
      return -1;
    }
    return Integer.parseInt(text);
  }

  private static final java.util.regex.Pattern CANONICAL_INDEX =
      java.util.regex.Pattern.compile("0|[1-9][0-9]{0,8}");

  /** Takes endpoint {@code index}; false when it does not exist or was taken already. */
  synchronized boolean take(int index) {
    if (index < 0 || index >= taken.length || taken[index]) {
      return false;
    }
    taken[index] = true;
    untaken--;
    return true;
  }

  /** Whether endpoint {@code index} exists and has not been taken. */
  synchronized boolean isUnread(int index) {
    return index >= 0 && index < taken.length && !taken[index];
  }

  /** Whether every endpoint has been taken (its ticket can leave the session). */
  synchronized boolean allTaken() {
    return untaken == 0;
  }

  /** Whether some endpoint has been taken. */
  synchronized boolean anyTaken() {
    return untaken < taken.length;
  }

  /**
   * An endpoint's stream is about to complete: true when it is the last of the result's to do so
   * (then the statement completes with it).
   */
  synchronized boolean lastToComplete() {
    return --unfinished == 0;
  }
}
