"""pandas.read_sql and polars.read_database through ADBC on TPC-H Q6, checked against the same
answer computed independently in pandas from the raw lineitem rows."""

from decimal import Decimal

import pandas as pd
import polars as pl

from clients import login

Q6 = """
SELECT sum(l_extendedprice * l_discount) AS revenue
FROM tpch.lineitem
WHERE l_shipdate >= DATE'1994-01-01' AND l_shipdate < DATE'1995-01-01'
  AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24
"""


def _expected_revenue(conn) -> Decimal:
    with conn.cursor() as cur:
        cur.execute("SELECT l_extendedprice, l_discount, l_shipdate, l_quantity"
                    " FROM tpch.lineitem")
        raw = cur.fetch_df()
    rows = raw[(raw.l_shipdate >= pd.Timestamp("1994-01-01").date())
               & (raw.l_shipdate < pd.Timestamp("1995-01-01").date())
               & (raw.l_discount >= Decimal("0.05")) & (raw.l_discount <= Decimal("0.07"))
               & (raw.l_quantity < 24)]
    return sum((p * d for p, d in zip(rows.l_extendedprice, rows.l_discount)), Decimal(0))


def test_pandas_read_sql_tpch_q6(gateway):
    with login(gateway) as conn:
        expected = _expected_revenue(conn)
        df = pd.read_sql(Q6, conn)
    assert list(df.columns) == ["revenue"]
    assert expected > 0
    assert df["revenue"][0] == expected


def test_polars_read_database_tpch_q6_and_a_join(gateway):
    with login(gateway) as conn:
        expected = _expected_revenue(conn)
        q6 = pl.read_database(Q6, connection=conn)
        nations = pl.read_database(
            "SELECT r_name, count(*) AS n FROM tpch.nation JOIN tpch.region"
            " ON n_regionkey = r_regionkey GROUP BY r_name ORDER BY r_name", connection=conn)
    assert q6["revenue"][0] == expected
    assert nations.to_dict(as_series=False) == {
        "r_name": ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"], "n": [5] * 5}
