"""Lambda's ReportBatchItemFailures bookkeeping, as the pump applies it."""
from local.sqs_pump import receipts_to_delete

RECORDS = [{"messageId": f"m{i}", "receiptHandle": f"r{i}"} for i in range(3)]


def test_a_raised_error_retries_the_whole_batch():
    assert receipts_to_delete(RECORDS, None, failed=True) == []


def test_no_response_means_every_record_succeeded():
    assert receipts_to_delete(RECORDS, None, failed=False) == ["r0", "r1", "r2"]


def test_empty_failure_list_means_success():
    assert receipts_to_delete(RECORDS, {"batchItemFailures": []}, failed=False) == ["r0", "r1", "r2"]


def test_reported_failures_are_kept_and_the_rest_deleted():
    outcome = {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert receipts_to_delete(RECORDS, outcome, failed=False) == ["r0", "r2"]


def test_an_identifier_not_in_the_batch_fails_the_whole_batch():
    outcome = {"batchItemFailures": [{"itemIdentifier": "m9"}]}
    assert receipts_to_delete(RECORDS, outcome, failed=False) == []


def test_an_empty_identifier_fails_the_whole_batch():
    assert receipts_to_delete(RECORDS, {"batchItemFailures": [{"itemIdentifier": ""}]}, failed=False) == []
    assert receipts_to_delete(RECORDS, {"batchItemFailures": [{"wrong": "m1"}]}, failed=False) == []
