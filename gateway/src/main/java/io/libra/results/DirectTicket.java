package io.libra.results;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The ticket of an executor endpoint (executor-direct fetch): self-contained, so the executor's
 * result server ({@link ExecutorResultServer}) needs no session state, and signed, so it serves
 * only what the gateway handed out.
 *
 * <p>Bytes: {@code "LBRD"}, version 1, the result stream id (UTF), expiry (epoch ms), the Arrow
 * schema the FlightInfo announced ({@code Schema.serializeAsMessage}), the result blocks in
 * order (id name and payload count each), then HMAC-SHA256 (32 bytes) of everything before it
 * with the secret the gateway's driver plugin gave the executors ({@link DirectFetchPlugin}).
 * Every block name must belong to the ticket's stream ({@code test_libra_<stream>_…}), so a
 * ticket never reaches another statement's blocks.
 *
 * @param streamId the statement's result stream id (block name prefix)
 * @param expiresAtMillis when the ticket stops being served (epoch milliseconds)
 * @param schema the result schema
 * @param blocks block id names, in the order they are streamed
 * @param payloads payload count of each block (same order)
 */
public record DirectTicket(String streamId, long expiresAtMillis, Schema schema,
    List<String> blocks, List<Integer> payloads) {
  private static final int MAGIC = 0x4c425244; // "LBRD"
  private static final int VERSION = 1;
  private static final int MAC_BYTES = 32;

  /** A ticket that is not one, is forged, altered or expired. */
  public static final class InvalidTicketException extends Exception {
    InvalidTicketException(String message) {
      super(message);
    }
  }

  /** Whether {@code bytes} look like a direct ticket (its magic), signed or not. */
  public static boolean looksLikeOne(byte[] bytes) {
    return bytes.length > 8 && ByteBuffer.wrap(bytes).getInt() == MAGIC;
  }

  /** The name prefix of every block of stream {@code streamId}. */
  static String blockPrefix(String streamId) {
    return "test_libra_" + streamId + "_";
  }

  /** The signed ticket bytes. */
  public byte[] sign(byte[] secret) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(MAGIC);
      out.writeByte(VERSION);
      out.writeUTF(streamId);
      out.writeLong(expiresAtMillis);
      byte[] s = schema.serializeAsMessage();
      out.writeInt(s.length);
      out.write(s);
      out.writeInt(blocks.size());
      for (int i = 0; i < blocks.size(); i++) {
        out.writeUTF(blocks.get(i));
        out.writeInt(payloads.get(i));
      }
      out.write(mac(secret, buffer.toByteArray(), buffer.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  /**
   * Checks the signature, then the expiry, then that every block is the stream's.
   *
   * @param nowMillis the current time (epoch ms)
   * @throws InvalidTicketException naming why (not a ticket, bad signature, expired, foreign block)
   */
  public static DirectTicket verify(byte[] secret, byte[] bytes, long nowMillis)
      throws InvalidTicketException {
    if (!looksLikeOne(bytes) || bytes.length < 8 + MAC_BYTES) {
      throw new InvalidTicketException("not a Libra executor ticket");
    }
    int body = bytes.length - MAC_BYTES;
    byte[] expected = mac(secret, bytes, body);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, body, bytes.length))) {
      throw new InvalidTicketException("the ticket's signature is not valid");
    }
    DirectTicket t = read(bytes, body);
    if (nowMillis > t.expiresAtMillis()) {
      throw new InvalidTicketException("the ticket expired at "
          + java.time.Instant.ofEpochMilli(t.expiresAtMillis()));
    }
    String prefix = blockPrefix(t.streamId());
    for (String b : t.blocks()) {
      if (!b.startsWith(prefix)) {
        throw new InvalidTicketException("the ticket names a block of another result");
      }
    }
    return t;
  }

  /**
   * Reads a ticket's fields without checking its signature or expiry (for tools and tests: what
   * a client can read from any ticket it holds; the executor never serves on this).
   *
   * @throws InvalidTicketException when the bytes are not a ticket
   */
  public static DirectTicket peek(byte[] bytes) throws InvalidTicketException {
    if (!looksLikeOne(bytes) || bytes.length < 8 + MAC_BYTES) {
      throw new InvalidTicketException("not a Libra executor ticket");
    }
    return read(bytes, bytes.length - MAC_BYTES);
  }

  private static DirectTicket read(byte[] bytes, int body) throws InvalidTicketException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, body))) {
      in.readInt();
      if (in.readByte() != VERSION) {
        throw new InvalidTicketException("unknown ticket version");
      }
      String stream = in.readUTF();
      long expires = in.readLong();
      byte[] s = new byte[in.readInt()];
      in.readFully(s);
      Schema schema = Schema.deserializeMessage(ByteBuffer.wrap(s));
      int n = in.readInt();
      List<String> blocks = new ArrayList<>(n);
      List<Integer> payloads = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        blocks.add(in.readUTF());
        payloads.add(in.readInt());
      }
      return new DirectTicket(stream, expires, schema, blocks, payloads);
    } catch (IOException | RuntimeException e) {
      throw new InvalidTicketException("the ticket is malformed");
    }
  }

  private static byte[] mac(byte[] secret, byte[] bytes, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(bytes, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
