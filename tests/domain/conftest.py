"""Domain tests run on plain values: no moto, no AWS, no network. Enforced here, not promised.

Every test in tests/domain gets a guard that refuses (and records) any attempt to open a
socket or to send an AWS request through botocore - moto included, since moto answers from
inside botocore's Endpoint. When boto3/botocore/moto/pynamodb are not loaded yet (this
directory run on its own), importing them fails too. A refused attempt fails the test even
if the code under test swallowed the exception.
"""
import socket
import sys

import pytest

AWS_PACKAGES = ("boto3", "botocore", "moto", "pynamodb", "aiobotocore")


class NetworkRefused(AssertionError):
    pass


class _RefuseAwsImports:
    """A meta-path finder: `import boto3` (and friends) fails while a domain test runs."""

    def __init__(self, attempts):
        self.attempts = attempts

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in AWS_PACKAGES:
            self.attempts.append(f"import {fullname}")
            raise NetworkRefused(f"domain tests may not import {fullname}")
        return None


class Guard:
    def __init__(self):
        self.attempts = []

    def refuse(self, what):
        def refused(*args, **kwargs):
            self.attempts.append(what)
            raise NetworkRefused(f"domain tests may not use the network or AWS ({what})")
        return refused


@pytest.fixture(autouse=True)
def no_aws_no_network(monkeypatch):
    guard = Guard()
    monkeypatch.setattr(socket.socket, "connect", guard.refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", guard.refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", guard.refuse("socket.create_connection"))
    finder = None
    if any(name.split(".")[0] in AWS_PACKAGES for name in sys.modules):
        # Loaded by other test directories in the same run: refuse at botocore's Endpoint,
        # where both real requests and moto's in-process answers pass.
        if "botocore" in sys.modules:
            from botocore.endpoint import Endpoint

            monkeypatch.setattr(Endpoint, "make_request", guard.refuse("botocore Endpoint.make_request"))
    else:
        finder = _RefuseAwsImports(guard.attempts)
        sys.meta_path.insert(0, finder)
    try:
        yield guard
    finally:
        if finder is not None:
            sys.meta_path.remove(finder)
    if guard.attempts:
        pytest.fail(f"a domain test reached for the network or AWS: {guard.attempts}")
