"""The files bucket: put, read the head of, copy, delete, and presign objects.

Uploads, confirmations and the thumbnail worker all go through here; no other
module talks S3. Presigned URLs are signed for the same endpoint the client
will use (AWS_ENDPOINT_URL locally: moto, reachable from the machine).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib import clients
from chalicelib.settings import get_settings

# SigV4 for presigned URLs. Path-style only against a custom endpoint (moto): its host has
# no bucket subdomains.
_CONFIG = Config(signature_version="s3v4")
_CONFIG_PATH_STYLE = Config(signature_version="s3v4", s3={"addressing_style": "path"})


def _s3() -> Any:
    settings = get_settings()
    config = _CONFIG_PATH_STYLE if settings.aws_endpoint_url else _CONFIG
    return clients.client("s3", region=settings.region, config=config)


def _bucket() -> str:
    return get_settings().files_bucket


def put(key: str, body: bytes, content_type: str) -> None:
    _s3().put_object(Bucket=_bucket(), Key=key, Body=body, ContentType=content_type)


def size_of(key: str) -> int | None:
    """The object's size, or None when there is no such object (HeadObject)."""
    try:
        return int(_s3().head_object(Bucket=_bucket(), Key=key)["ContentLength"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise


def head_bytes(key: str, count: int = 8192) -> bytes:
    """The first `count` bytes (a ranged GET): enough to sniff the type."""
    return _s3().get_object(Bucket=_bucket(), Key=key, Range=f"bytes=0-{count - 1}")["Body"].read()


def read(key: str) -> bytes:
    return _s3().get_object(Bucket=_bucket(), Key=key)["Body"].read()


def move(source: str, target: str) -> None:
    """Server-side copy then delete (the pending prefix has a lifecycle rule; the target does not)."""
    _s3().copy_object(Bucket=_bucket(), Key=target, CopySource={"Bucket": _bucket(), "Key": source},
                      MetadataDirective="COPY")
    _s3().delete_object(Bucket=_bucket(), Key=source)


def delete(*keys: str) -> None:
    for key in keys:
        if key:
            _s3().delete_object(Bucket=_bucket(), Key=key)


def presigned_put(key: str, content_type: str, size: int, seconds: int) -> str:
    """A PUT URL whose signature covers the content type and length: S3 refuses other values.
    (moto does not check them, which is why confirm re-checks the object itself.)"""
    return _s3().generate_presigned_url(
        "put_object", ExpiresIn=seconds, HttpMethod="PUT",
        Params={"Bucket": _bucket(), "Key": key, "ContentType": content_type, "ContentLength": size},
    )


def presigned_get(key: str, download_name: str, content_type: str, seconds: int, inline: bool = False) -> str:
    """A GET URL that answers with `content_type` and `Content-Disposition: attachment` (or
    `inline`) under `download_name`."""
    ascii_name = download_name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    kind = "inline" if inline else "attachment"
    disposition = f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(download_name)}"
    return _s3().generate_presigned_url(
        "get_object", ExpiresIn=seconds,
        Params={"Bucket": _bucket(), "Key": key, "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type},
    )
