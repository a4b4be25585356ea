"""The guard of conftest.py is real: a domain test that reaches for the network or AWS is refused."""
import socket
import sys

import pytest

from tests.domain.conftest import NetworkRefused


def test_opening_a_socket_is_refused_and_recorded(no_aws_no_network):
    with pytest.raises(NetworkRefused):
        socket.create_connection(("127.0.0.1", 9), timeout=0.01)
    with pytest.raises(NetworkRefused):
        socket.socket().connect(("127.0.0.1", 9))
    assert no_aws_no_network.attempts == ["socket.create_connection", "socket.connect"]
    no_aws_no_network.attempts.clear()  # handled here; the guard would otherwise fail this test


def test_aws_is_refused_whether_or_not_botocore_is_loaded(no_aws_no_network):
    if "botocore" in sys.modules:  # the whole suite: refused where botocore (and moto) send
        from botocore.endpoint import Endpoint

        with pytest.raises(NetworkRefused):
            Endpoint.make_request(None, {}, {})
        assert no_aws_no_network.attempts == ["botocore Endpoint.make_request"]
    else:  # this directory alone: boto3 cannot even be imported
        with pytest.raises(NetworkRefused):
            import boto3  # noqa: F401
        assert no_aws_no_network.attempts == ["import boto3"]
    no_aws_no_network.attempts.clear()
