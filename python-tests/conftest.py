"""The Python client tests run against one gateway started the way the README does
(scripts/libra start), with authentication on, on free loopback ports."""

import pytest

from gateway_process import GatewayProcess


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    with GatewayProcess(tmp_path_factory.mktemp("libra")) as gw:
        yield gw.info


@pytest.fixture(scope="session")
def default_gateway(tmp_path_factory):
    """A gateway as `scripts/libra start` makes it by default: authentication off, loopback.
    No sample data (the tests make their own)."""
    with GatewayProcess(tmp_path_factory.mktemp("libra-default"), tpch_scale=0, auth=False) as gw:
        gw.info["process"] = gw
        yield gw.info
