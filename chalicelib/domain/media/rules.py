"""What may be uploaded, what it really is, and who may read it. Pure Python.

A file's type is decided by its first bytes (magic numbers via `filetype`), never
by its name or the client's Content-Type: a renamed executable is an executable.
Text has no magic number, so it is text only if it decodes as UTF-8 without
control characters and does not open like markup (HTML, SVG, XML are refused).
"""
from __future__ import annotations

import re
import secrets

from chalicelib.model.errors import InvalidFileType
from chalicelib.model.identity import AgentPrincipal, ApiKeyPrincipal, Principal, VisitorPrincipal

# mime type -> the extension our random file names get. No SVG or HTML: they run script
# when a browser opens them. Office formats are the zip-based ones filetype can tell apart.
ALLOWED: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "text/plain": "txt",
    "text/csv": "csv",
}
IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
SNIFF_BYTES = 8192
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32)) | {127}
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<[a-zA-Z!?]")


def sniff(head: bytes, original_name: str) -> str | None:
    """The type the bytes say, or None when they say nothing we recognise."""
    if not head:
        return None
    import filetype  # on first upload: every function imports this module, few sniff a file

    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a cut in the middle of a multi-byte char at the end is fine
            return None
    if any(byte in _CONTROL for byte in head):
        return None
    if _MARKUP.match(head):
        return "text/html"  # HTML, SVG, XML: a browser that opens them may run their script
    return "text/csv" if original_name.lower().endswith(".csv") else "text/plain"


def allowed_type(head: bytes, original_name: str) -> str:
    """The sniffed type if it is on the allow-list, else INVALID_FILE_TYPE."""
    mime = sniff(head, original_name)
    if mime not in ALLOWED:
        shown = mime or "unrecognised content"
        raise InvalidFileType(f"File type not allowed ({shown}); allowed: images (JPEG, PNG, GIF, WebP), PDF, "
                              "Word, Excel, PowerPoint, plain text and CSV")
    return mime


def random_filename(mime: str) -> str:
    return f"{secrets.token_hex(8)}.{ALLOWED[mime]}"


def new_file_id() -> str:
    return f"file_{secrets.token_hex(10)}"


def clean_original_name(name: str | None) -> str:
    """Only the last path segment, printable, at most 255 characters; never empty."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or "file"


def snapshot(file_id: str, filename: str, original_name: str, mime_type: str, size: int,
             is_image: bool) -> dict:
    """What a message stores about its file (download links are signed when it is shown)."""
    return {"id": file_id, "filename": filename, "original_name": original_name, "mime_type": mime_type,
            "size": size, "is_image": is_image}


def can_read(principal: Principal, site_id: str, conversation_id: str | None, uploaded_by: tuple[str, str],
             conversation_visitor_id: str | None) -> bool:
    """The site's agents and API keys; a visitor for its conversation's files and its own uploads."""
    if isinstance(principal, (AgentPrincipal, ApiKeyPrincipal)):
        return principal.can_access(site_id)
    if isinstance(principal, VisitorPrincipal):
        if principal.site_id != site_id:
            return False
        if uploaded_by == ("visitor", principal.visitor_id):
            return True
        return conversation_id is not None and conversation_visitor_id == principal.visitor_id
    return False
