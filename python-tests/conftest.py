"""The Python client tests run against one gateway started the way the README does
(scripts/libra start), with authentication on, on free loopback ports."""

import pytest

from gateway_process import GatewayProcess


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    with GatewayProcess(tmp_path_factory.mktemp("libra")) as gw:
        yield gw.info
