package io.libra.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.util.io.ChunkedByteBuffer;
import org.junit.jupiter.api.Test;

/** How a block's payloads are read back from its chunks ({@link ResultBlocks#payloads}). */
class ResultBlocksTest {
  private static final byte[] A = {1, 2, 3};
  private static final byte[] B = new byte[1000];

  static {
    for (int i = 0; i < B.length; i++) {
      B[i] = (byte) i;
    }
  }

  /** The chunks {@code Store} makes: each payload's length, then the payload's own array. */
  private static ByteBuffer[] asStored() {
    return new ByteBuffer[] {ByteBuffer.allocate(4).putInt(0, A.length), ByteBuffer.wrap(A),
        ByteBuffer.allocate(4).putInt(0, B.length), ByteBuffer.wrap(B)};
  }

  @Test
  void aBlockAsStoredHandsOnThePayloadArraysThemselves() throws IOException {
    List<byte[]> out = ResultBlocks.payloads(new ChunkedByteBuffer(asStored()), 2);
    assertEquals(2, out.size());
    assertSame(A, out.get(0));
    assertSame(B, out.get(1));
  }

  @Test
  void aBlockInChunksOfOtherSizesIsReadAsAStream() throws IOException {
    // As a block fetched from another executor arrives: the same bytes, cut anywhere.
    ByteBuffer whole = ByteBuffer.allocate(8 + A.length + B.length);
    for (ByteBuffer c : asStored()) {
      whole.put(c.duplicate());
    }
    byte[] bytes = whole.array();
    ByteBuffer[] cut = {ByteBuffer.wrap(bytes, 0, 2).slice(), ByteBuffer.wrap(bytes, 2, 5).slice(),
        ByteBuffer.wrap(bytes, 7, bytes.length - 7).slice()};
    List<byte[]> out = ResultBlocks.payloads(new ChunkedByteBuffer(cut), 2);
    assertEquals(2, out.size());
    assertArrayEquals(A, out.get(0));
    assertArrayEquals(B, out.get(1));
  }

  @Test
  void aBlockWithOtherThanTheExpectedPayloadsIsRefused() {
    assertThrows(IOException.class,
        () -> ResultBlocks.payloads(new ChunkedByteBuffer(asStored()), 3));
  }
}
