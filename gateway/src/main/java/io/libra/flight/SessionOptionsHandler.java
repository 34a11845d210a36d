package io.libra.flight;

import io.libra.util.PublicIds;
import io.libra.session.ClientSession;
import io.libra.session.PoolAssigner;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.NoOpSessionOptionValueVisitor;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.spark.sql.classic.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight {@code SetSessionOptions} / {@code GetSessionOptions} with keys {@code catalog} (Spark's
 * current catalog), {@code schema} (current namespace), {@code pool} (FAIR pool of the session's
 * statements) and {@code statement_timeout} (seconds each later statement may take from its
 * creation to its last batch, 0 = none; overrides {@code libra.operations.statement-timeout-seconds};
 * the same as {@code SET libra.statement_timeout = N}).
 * Values are strings (a timeout may also be an integer or a whole double); an unknown key is {@code INVALID_NAME}, a bad value (unknown
 * catalog, schema or pool, or a pool the user may not use) is {@code INVALID_VALUE} for that key,
 * and nothing else in the request is applied after the first failure of a key.
 */
final class SessionOptionsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SessionOptionsHandler.class);
  static final String CATALOG = "catalog";
  static final String SCHEMA = "schema";
  static final String POOL = "pool";
  static final String STATEMENT_TIMEOUT = "statement_timeout";
  private static final java.util.List<String> KEYS = java.util.List.of(CATALOG, SCHEMA, POOL,
      STATEMENT_TIMEOUT);

  private final PoolAssigner pools;

  SessionOptionsHandler(PoolAssigner pools) {
    this.pools = pools;
  }

  SetSessionOptionsResult set(ClientSession session, SetSessionOptionsRequest request) {
    Map<String, SetSessionOptionsResult.Error> errors = new HashMap<>();
    // catalog before schema: a schema names a namespace of the (new) current catalog.
    Map<String, SessionOptionValue> options = request.getSessionOptions();
    for (String key : KEYS) {
      if (options.containsKey(key)) {
        apply(session, key, options.get(key), errors);
      }
    }
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        LOG.info("session {}: unknown session option '{}'", PublicIds.of(session.id()), key);
        errors.put(key, new SetSessionOptionsResult.Error(
            SetSessionOptionsResult.ErrorValue.INVALID_NAME));
      }
    }
    return new SetSessionOptionsResult(errors);
  }

  private void apply(ClientSession session, String key, SessionOptionValue value,
      Map<String, SetSessionOptionsResult.Error> errors) {
    String text = asString(value);
    try {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("value must be a non-empty string");
      }
      SparkSession spark = session.spark();
      switch (key) {
        case CATALOG -> spark.sessionState().catalogManager().setCurrentCatalog(text);
        case SCHEMA -> spark.catalog().setCurrentDatabase(text);
        case POOL -> {
          pools.validate(session.user(), text, "session option 'pool'");
          session.setPoolOption(text);
        }
        case STATEMENT_TIMEOUT -> session.setStatementTimeoutSeconds(
            ClientSession.parseTimeoutSeconds(text, "session option " + STATEMENT_TIMEOUT));
        default -> throw new IllegalStateException(key);
      }
    } catch (Exception e) {
      LOG.info("session {}: bad value for session option '{}': {}", PublicIds.of(session.id()),
          key,
          e.getMessage());
      errors.put(key, new SetSessionOptionsResult.Error(
          SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
    }
  }

  GetSessionOptionsResult get(ClientSession session, String effectivePool) {
    SparkSession spark = session.spark();
    Map<String, SessionOptionValue> values = new HashMap<>();
    values.put(CATALOG, SessionOptionValueFactory.makeSessionOptionValue(
        spark.sessionState().catalogManager().currentCatalog().name()));
    values.put(SCHEMA, SessionOptionValueFactory.makeSessionOptionValue(
        spark.catalog().currentDatabase()));
    values.put(POOL, SessionOptionValueFactory.makeSessionOptionValue(effectivePool));
    Integer timeout = session.statementTimeoutSeconds();
    if (timeout != null) {
      values.put(STATEMENT_TIMEOUT, SessionOptionValueFactory.makeSessionOptionValue(
          Integer.toString(timeout)));
    }
    return new GetSessionOptionsResult(values);
  }

  private static String asString(SessionOptionValue value) {
    if (value == null) {
      return null;
    }
    return value.acceptVisitor(new NoOpSessionOptionValueVisitor<String>() {
      @Override
      public String visit(String v) {
        return v;
      }

      @Override
      public String visit(long v) {
        return Long.toString(v);
      }

      @Override
      public String visit(double v) {
        return Double.toString(v);
      }
    });
  }
}
