import pytest
from moto import mock_aws


@pytest.fixture
def aws():
    """moto's in-process AWS with Parley's tables created from the models."""
    from chalicelib.store.tables import create_tables

    with mock_aws():
        create_tables()
        yield
