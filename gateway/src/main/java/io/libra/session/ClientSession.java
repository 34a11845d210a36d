package io.libra.session;

import io.libra.operation.Operation;
import io.libra.util.AllocatorCloser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.classic.SparkSession;

/**
 * One client connection's state: the authenticated user, its own {@link SparkSession} (a
 * {@code newSession()} of the shared context, so {@code SET}, {@code USE} and temporary views stay
 * private), its own child allocator, its session-option pool and its open operations.
 */
public final class ClientSession implements AutoCloseable {
  private final String id;
  private final String user;
  private final SparkSession spark;
  private final BufferAllocator allocator;
  private final Map<String, Operation> operations = new ConcurrentHashMap<>();
  private volatile String poolOption;
  private volatile boolean closed;
  private volatile boolean claimed;
  private volatile long lastAccessNanos = System.nanoTime();

  ClientSession(String id, String user, SparkSession spark, BufferAllocator allocator) {
    this.id = id;
    this.user = user;
    this.spark = spark;
    this.allocator = allocator;
  }

  public String id() {
    return id;
  }

  public String user() {
    return user;
  }

  public SparkSession spark() {
    return spark;
  }

  /** Parent of every allocation made for this session's streams. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** The pool chosen by session option {@code pool}, or null. */
  public String poolOption() {
    return poolOption;
  }

  public void setPoolOption(String pool) {
    this.poolOption = pool;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Records a call of this session; {@code claim}: the client showed it knows the session id. */
  void touch(boolean claim) {
    lastAccessNanos = System.nanoTime();
    if (claim) {
      claimed = true;
    }
  }

  /**
   * Whether a client came back to this session (with its cookie or bearer token). Sessions made
   * for calls of clients that never return (no cookie support) stay unclaimed.
   */
  boolean isClaimed() {
    return claimed;
  }

  long idleNanos() {
    return System.nanoTime() - lastAccessNanos;
  }

  /** Tracks a running operation so closing the session cancels it. */
  public void track(Operation op) {
    operations.put(op.id(), op);
  }

  public void untrack(Operation op) {
    operations.remove(op.id());
  }

  public int openOperations() {
    return operations.size();
  }

  /**
   * Closes the session: cancels its operations' Spark jobs; the allocator is closed once the last
   * stream released its buffers (streams close their child allocators on every path).
   */
  @Override
  public void close() {
    closed = true;
    for (Operation op : operations.values()) {
      op.cancel("session " + id + " closed");
    }
    operations.clear();
    AllocatorCloser.closeWhenFree(allocator, 60_000);
  }
}
