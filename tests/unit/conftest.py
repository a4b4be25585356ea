import pytest
from moto import mock_aws


@pytest.fixture
def aws():
    """moto's in-process AWS with Parley's tables, bucket and queues created from their definitions."""
    from chalicelib.domain import suspension
    from chalicelib.integrations import queues
    from chalicelib.settings import get_settings
    from local.provision import provision

    with mock_aws():
        queues.reset_cache()
        suspension.reset()  # site statuses cached by an earlier test's world
        provision(get_settings())
        yield
    queues.reset_cache()
