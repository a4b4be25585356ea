"""multipart/form-data bodies (file uploads), parsed with the `multipart` library.

API Gateway passes the body base64-encoded (the app declares multipart as a
binary type); Chalice hands us the bytes. Anything malformed is a 400.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.model.errors import ValidationFailed
from chalicelib.surfaces.http import Call

if TYPE_CHECKING:
    import multipart

MAX_TEXT_FIELD = 4096
MAX_PARTS = 16


@dataclass(frozen=True)
class UploadedFile:
    filename: str | None
    data: bytes


@dataclass(frozen=True)
class Form:
    fields: dict[str, str]
    files: dict[str, UploadedFile]


def _text(part: multipart.MultipartPart) -> str:
    """A text field's value: UTF-8, like every string Parley reads (headers, so names, already are)."""
    try:
        return part.value.strip()
    except UnicodeDecodeError:
        raise ValidationFailed(f"{part.name} must be valid UTF-8", {"field": part.name}) from None


def parse_form(call: Call) -> Form:
    import multipart  # on the first upload: every function loads the surfaces, few parse a form

    content_type = call.header("content-type") or ""
    kind, options = multipart.parse_options_header(content_type)
    if kind != "multipart/form-data" or not options.get("boundary"):
        raise ValidationFailed("Send the file as multipart/form-data", {"field": "Content-Type"})
    body = call.request.raw_body or b""
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    try:
        parser = multipart.MultipartParser(
            io.BytesIO(body), options["boundary"], content_length=len(body), part_limit=MAX_PARTS,
            spool_limit=len(body) + 1, memory_limit=len(body) + 1, disk_limit=0, strict=True,
        )
        for part in parser:
            if part.filename is not None:
                files[part.name] = UploadedFile(part.filename, part.raw)
            elif part.size > MAX_TEXT_FIELD:
                raise ValidationFailed(f"{part.name} is too long", {"field": part.name})
            else:
                fields[part.name] = _text(part)
    except multipart.MultipartError as error:
        raise ValidationFailed(f"Malformed multipart body: {error}") from None
    return Form(fields, files)
