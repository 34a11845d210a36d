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
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The ticket of an executor endpoint (executor-direct fetch): self-contained, so the executor's
 * result server ({@link ExecutorResultServer}) needs no session state, and signed, so it serves
 * only what the gateway handed out.
 *
 * <p>Bytes: {@code "LBRD"}, version 2, the result stream id (UTF), expiry (epoch ms), the Arrow
 * schema the FlightInfo announced ({@code Schema.serializeAsMessage}), the id of the executor
 * whose endpoint it is (UTF), then HMAC-SHA256 (32 bytes) of everything before it with the
 * secret the gateway's driver plugin gave the executors ({@link DirectFetchPlugin}). The ticket
 * names no blocks: which blocks an endpoint streams is decided by the driver as the result's
 * tasks store them ({@link DirectStream}), so the ticket is handed out before the job has run.
 *
 * @param streamId the statement's result stream id (block name prefix)
 * @param expiresAtMillis until when a DoGet of it is served (epoch milliseconds; a stream begun
 *     before then runs to its end)
 * @param schema the result schema
 * @param executorId the Spark executor id whose result server serves this endpoint
 */
public record DirectTicket(String streamId, long expiresAtMillis, Schema schema,
    String executorId) {
  private static final int MAGIC = 0x4c425244; // "LBRD"
  private static final int VERSION = 2;
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
      out.writeUTF(executorId);
      out.write(mac(secret, buffer.toByteArray(), buffer.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  /**
   * Checks the signature, then the expiry.
   *
   * @param nowMillis the current time (epoch ms)
   * @throws InvalidTicketException naming why (not a ticket, bad signature, expired)
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
      String executor = in.readUTF();
      if (in.available() > 0) {
        throw new InvalidTicketException("the ticket is malformed");
      }
      return new DirectTicket(stream, expires, schema, executor);
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
