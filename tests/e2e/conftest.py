import boto3
import pytest

from local.harness import StackProcess

# Short API Gateway timeouts for the idle/lifetime tests, on a stack of their own so that
# realtime tests can keep sockets open as long as a real console does.
IDLE_SECONDS = 3
MAX_LIFETIME_SECONDS = 6
DEMO_PASSWORD = "e2e-demo-admin-password"  # TEST ONLY
# Login brute-force limits are asserted in the unit tests; here many tests log in from one IP.
STACK_ENV = {"PARLEY_DEMO_ADMIN_PASSWORD": DEMO_PASSWORD, "PARLEY_RATE_LIMIT_AUTH": "1000"}


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    process = StackProcess(data_dir=tmp_path_factory.mktemp("stack-data"), env=STACK_ENV)
    process.start()
    yield process
    code = process.stop()
    assert code == 0, process.log()


@pytest.fixture(scope="module")
def short_timeout_stack():
    process = StackProcess(
        extra_args=["--idle-seconds", str(IDLE_SECONDS), "--max-lifetime-seconds", str(MAX_LIFETIME_SECONDS)],
        env=STACK_ENV,
    )
    process.start()
    yield process
    assert process.stop() == 0, process.log()


def aws_client(stack, service):
    return boto3.client(service, endpoint_url=stack.aws_endpoint, region_name="us-east-1",
                        aws_access_key_id="local-only", aws_secret_access_key="local-only")
