"""Shared client helpers: an ADBC connection to the test gateway with its credentials."""

import adbc_driver_flightsql.dbapi as flightsql


def connect(gw, password=None, user=None, **conn_kwargs):
    """ADBC DB-API connection; password login when user is given."""
    db_kwargs = {}
    if user is not None:
        db_kwargs["username"] = user
        db_kwargs["password"] = password
    return flightsql.connect(gw["uri"], db_kwargs=db_kwargs, conn_kwargs=conn_kwargs or None,
                             autocommit=True)


def login(gw, **conn_kwargs):
    """ADBC connection as the gateway's test user."""
    return connect(gw, gw["password"], gw["user"], **conn_kwargs)
