"""Building uploads for tests: real image bytes, multipart bodies, and disguised files."""
import io

from PIL import Image
from urllib3 import encode_multipart_formdata


def png(width=800, height=600, color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def jpeg(width=640, height=480):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 220)).save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def multipart(fields=None, file=None, filename="photo.png", content_type="image/png"):
    """(body, Content-Type header) for a form with text fields and one `file` part."""
    parts = dict(fields or {})
    if file is not None:
        parts["file"] = (filename, file, content_type)
    body, header = encode_multipart_formdata(parts)
    return body, header
