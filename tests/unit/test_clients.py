"""AWS clients come from one factory (chalicelib/clients.py): one per (service,
endpoint, region), shared by threads, forgotten by reset()."""
import threading

from chalicelib import clients
from chalicelib.integrations import bedrock, queues, sockets, storage


def test_one_client_per_service_endpoint_and_region():
    clients.reset()
    sqs = clients.client("sqs", region="us-east-1")
    assert clients.client("sqs", region="us-east-1") is sqs
    assert clients.client("sqs", region="eu-west-1") is not sqs
    assert clients.client("sqs", region="us-east-1", endpoint_url="http://other:4566") is not sqs
    clients.reset()


def test_threads_asking_at_once_share_one_client():
    clients.reset()
    start = threading.Barrier(8, timeout=10)
    made = []

    def ask():
        start.wait()
        made.append(clients.client("s3", region="us-east-1"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(made) == 8 and len({id(client) for client in made}) == 1
    clients.reset()


def test_reset_forgets_one_service_or_all():
    clients.reset()
    sqs = clients.client("sqs", region="us-east-1")
    s3 = clients.client("s3", region="us-east-1")
    clients.reset("sqs")
    assert clients.client("sqs", region="us-east-1") is not sqs
    assert clients.client("s3", region="us-east-1") is s3
    clients.reset()
    assert clients.client("s3", region="us-east-1") is not s3
    clients.reset()


def test_each_integration_keeps_its_own_client_settings():
    clients.reset()
    assert bedrock.client("us-east-1").meta.config.read_timeout == 20
    ws = sockets._client("https://api.example.com/prod")
    assert ws.meta.endpoint_url == "https://api.example.com/prod" and ws.meta.config.read_timeout == 5
    assert sockets._client("https://other.example.com/prod") is not ws
    assert storage._s3().meta.config.signature_version == "s3v4"
    assert queues._sqs() is clients.client("sqs", region=queues.get_settings().region)
    clients.reset()
