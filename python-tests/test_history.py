"""Table libra.queries through ADBC with its default settings: statements whose work ran while
their FlightInfo was built (DDL, DML, SET, USE sent with cur.execute and never fetched) are
FINISHED, not CANCELLED, once their unread tickets are dropped (here: the connection closes)."""

import time

from clients import login

STATEMENTS = [
    "USE default",
    "SET spark.sql.shuffle.partitions = 3",
    "DROP TABLE IF EXISTS default.py_history",
    "CREATE TABLE default.py_history (a INT) USING parquet",
    "INSERT INTO default.py_history VALUES (1), (2), (3)",
]


def _history(gateway, texts):
    """{sql_text: (kind, state, rows, error_class)} of the user's rows for these texts."""
    quoted = ", ".join("'" + t.replace("'", "''") + "'" for t in texts)
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("SELECT sql_text, kind, state, rows, error_class, duration_ms FROM"
                    f" libra.queries WHERE sql_text IN ({quoted}) AND kind <> 'prepare'")
        return {r[0]: r[1:] for r in cur.fetchall()}


def test_statements_run_while_planning_are_finished(gateway):
    marker = f"/* history {time.time_ns()} */"
    texts = [marker + " " + s for s in STATEMENTS]
    with login(gateway) as conn, conn.cursor() as cur:
        for sql in texts:
            cur.execute(sql)  # ADBC's default: nothing fetched
    deadline = time.monotonic() + 10
    rows = _history(gateway, texts)
    while len(rows) < len(texts) and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = _history(gateway, texts)
    assert set(rows) == set(texts), rows
    for sql, (kind, state, count, error_class, duration_ms) in rows.items():
        assert (state, error_class) == ("FINISHED", None), (sql, rows[sql])
        assert duration_ms < 10_000, (sql, rows[sql])
    assert rows[texts[4]][2] == 3  # the INSERT's update count
