"""Which moto requests count as writes (snapshots) and which skip the snapshot lock."""
from local.aws import is_write, signed_service


def _auth(service):
    return {"HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/{service}/aws4_request, "
                                  "SignedHeaders=host, Signature=abc"}


def test_service_is_read_from_the_credential_scope():
    assert signed_service(_auth("sqs")) == "sqs"
    assert signed_service(_auth("dynamodb")) == "dynamodb"
    assert signed_service({"QUERY_STRING": "X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"}) == "s3"
    assert signed_service({}) is None


def test_dynamodb_reads_are_not_writes():
    for op in ("GetItem", "Query", "Scan", "DescribeTable", "TransactGetItems"):
        assert not is_write({"HTTP_X_AMZ_TARGET": f"DynamoDB_20120810.{op}", "REQUEST_METHOD": "POST"})
    for op in ("PutItem", "UpdateItem", "TransactWriteItems", "BatchWriteItem", "DeleteItem", "CreateTable"):
        assert is_write({"HTTP_X_AMZ_TARGET": f"DynamoDB_20120810.{op}", "REQUEST_METHOD": "POST"})


def test_s3_writes_are_the_mutating_methods():
    assert not is_write({"REQUEST_METHOD": "GET"})
    assert not is_write({"REQUEST_METHOD": "HEAD"})
    assert is_write({"REQUEST_METHOD": "PUT"})
    assert is_write({"REQUEST_METHOD": "DELETE"})
