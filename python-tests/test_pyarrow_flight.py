"""Raw pyarrow.flight against Libra: Basic login to a Bearer header, a Flight SQL query command
(a protobuf Any, encoded here by hand) to FlightInfo, DoGet of its ticket into a Table."""

import pyarrow as pa
import pyarrow.flight as flight
import pytest

COMMAND_STATEMENT_QUERY = "type.googleapis.com/arrow.flight.protocol.sql.CommandStatementQuery"


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def statement_query(sql: str) -> bytes:
    """google.protobuf.Any{type_url, value=CommandStatementQuery{query=sql}}."""
    command = _field(1, sql.encode())
    return _field(1, COMMAND_STATEMENT_QUERY.encode()) + _field(2, command)


@pytest.fixture()
def client(gateway):
    c = flight.FlightClient(gateway["uri"])
    yield c
    c.close()


def test_basic_login_returns_a_bearer_header(gateway, client):
    name, value = client.authenticate_basic_token(gateway["user"], gateway["password"])
    assert name.lower() == b"authorization"
    assert value.startswith(b"Bearer ") and len(value) > len(b"Bearer ") + 20


def test_flight_info_then_do_get(gateway, client):
    header = client.authenticate_basic_token(gateway["user"], gateway["password"])
    options = flight.FlightCallOptions(headers=[header])
    descriptor = flight.FlightDescriptor.for_command(statement_query(
        "SELECT r_regionkey, r_name FROM tpch.region ORDER BY r_regionkey"))
    info = client.get_flight_info(descriptor, options)
    assert len(info.endpoints) == 1
    table = client.do_get(info.endpoints[0].ticket, options).read_all()
    assert table.schema.equals(info.schema, check_metadata=True)
    assert table.column("r_name").to_pylist() == ["AFRICA", "AMERICA", "ASIA", "EUROPE",
                                                  "MIDDLE EAST"]
    # A ticket is read once: NOT_FOUND (pyarrow raises KeyError for it).
    with pytest.raises(KeyError) as err:
        client.do_get(info.endpoints[0].ticket, options).read_all()
    assert "already read" in str(err.value)


def test_without_token_is_unauthenticated(client):
    descriptor = flight.FlightDescriptor.for_command(statement_query("SELECT 1"))
    with pytest.raises(flight.FlightUnauthenticatedError):
        client.get_flight_info(descriptor)


def test_bad_sql_is_invalid_argument_with_sqlstate(gateway, client):
    header = client.authenticate_basic_token(gateway["user"], gateway["password"])
    descriptor = flight.FlightDescriptor.for_command(statement_query("SELEC 1"))
    with pytest.raises(pa.ArrowInvalid) as err:  # INVALID_ARGUMENT
        client.get_flight_info(descriptor, flight.FlightCallOptions(headers=[header]))
    assert "PARSE_SYNTAX_ERROR" in str(err.value) and "SQLSTATE: 42601" in str(err.value)


class TrailerRecorder(flight.ClientMiddlewareFactory):
    """pyarrow's exceptions carry no trailers; a client middleware sees them in
    received_headers (the trailers of a call that failed)."""

    def __init__(self):
        self.headers = []

    def start_call(self, info):
        recorder = self

        class Middleware(flight.ClientMiddleware):
            def received_headers(self, headers):
                recorder.headers.append(headers)

        return Middleware()

    def last(self, key):
        values = [h[key] for h in self.headers if key in h]
        return values[-1][0] if values else None


@pytest.mark.parametrize("sql, sqlstate, error_class", [
    ("SELEC 1", "42601", "PARSE_SYNTAX_ERROR"),
    ("SELECT * FROM no_such_table_for_pyarrow", "42P01", "TABLE_OR_VIEW_NOT_FOUND"),
])
def test_the_sqlstate_and_error_class_are_trailers(gateway, sql, sqlstate, error_class):
    trailers = TrailerRecorder()
    client = flight.FlightClient(gateway["uri"], middleware=[trailers])
    try:
        header = client.authenticate_basic_token(gateway["user"], gateway["password"])
        with pytest.raises(pa.ArrowInvalid):
            client.get_flight_info(flight.FlightDescriptor.for_command(statement_query(sql)),
                                   flight.FlightCallOptions(headers=[header]))
    finally:
        client.close()
    assert trailers.last("sqlstate") == sqlstate
    assert trailers.last("error-class") == error_class


def test_a_runtime_error_while_streaming_has_its_sqlstate_trailer(gateway):
    trailers = TrailerRecorder()
    client = flight.FlightClient(gateway["uri"], middleware=[trailers])
    try:
        options = flight.FlightCallOptions(headers=[
            client.authenticate_basic_token(gateway["user"], gateway["password"])])
        info = client.get_flight_info(flight.FlightDescriptor.for_command(statement_query(
            "SELECT 1 / (id - 3) AS x FROM range(0, 10, 1, 1)")), options)
        with pytest.raises(pa.ArrowInvalid) as err:
            client.do_get(info.endpoints[0].ticket, options).read_all()
        assert "DIVIDE_BY_ZERO" in str(err.value)
    finally:
        client.close()
    assert trailers.last("sqlstate") == "22012"
    assert trailers.last("error-class") == "DIVIDE_BY_ZERO"
