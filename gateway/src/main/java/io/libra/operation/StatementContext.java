package io.libra.operation;

import io.libra.session.ClientSession;

/**
 * Who runs a statement and where: the client session (user, SparkSession, allocator) and the FAIR
 * pool chosen for this call ({@code PoolAssigner}).
 */
public record StatementContext(ClientSession session, String pool) {}
