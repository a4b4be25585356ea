"""Failures that are nobody's fault: AWS refusing for load, or failing transiently. Retry shortly.

Matched by code on botocore's ClientError and on PynamoDB's wrappers of it, without importing
either (the model is a leaf); surfaces answer them 503 + Retry-After, the realtime dialects an error
frame with the same code.
"""
from __future__ import annotations

# AWS's answers for "too many requests now" and its transient failures, from DynamoDB, S3 (SlowDown),
# SQS and the rest: retry shortly. Matched by code on botocore's ClientError and on PynamoDB's
# wrappers of it, without importing either; any AWS answer with a 5xx status counts too.
BUSY_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                        "RequestLimitExceeded", "InternalServerError", "ThrottlingError", "SlowDown",
                        "ServiceUnavailable", "InternalError", "RequestThrottled", "Throttling",
                        "TooManyRequestsException", "RequestTimeout", "TransactionInProgressException"})
# botocore's "no answer in time / could not connect" errors, by class name (no import of botocore here).
UNREACHABLE = frozenset({"EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError",
                         "ConnectionClosedError"})
RETRY_AFTER_SECONDS = 1


def _aws_codes(failure: BaseException) -> set[str]:
    codes = set()
    if type(failure).__name__ in UNREACHABLE:
        codes.add("ServiceUnavailable")
    response = getattr(failure, "response", None)
    if isinstance(response, dict):
        codes.add(str((response.get("Error") or {}).get("Code") or ""))
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        if isinstance(status, int) and status >= 500:
            codes.add("ServiceUnavailable")
    codes.add(str(getattr(failure, "cause_response_code", None) or ""))
    for reason in getattr(failure, "cancellation_reasons", None) or ():  # a transaction's, per item
        codes.add(str(getattr(reason, "code", None) or ""))
    return codes


def throttled(failure: BaseException) -> bool:
    """AWS refused for load or failed transiently, here or anywhere in the chain of causes."""
    seen: set[int] = set()
    current: BaseException | None = failure
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _aws_codes(current) & BUSY_CODES:
            return True
        cause = current.__cause__ or current.__context__ or getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else None
    return False
