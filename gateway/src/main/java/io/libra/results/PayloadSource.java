package io.libra.results;

/** Arrow IPC payloads of one result, in order: one record batch each. */
interface PayloadSource extends AutoCloseable {
  /** The next payload, or null after the last. */
  byte[] next() throws Exception;

  @Override
  void close();
}
