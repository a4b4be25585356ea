"""Thumbnails with Pillow: at most 320x320, JPEG, EXIF orientation applied.

Imported only by the media worker, so Pillow never weighs on the API's cold start.
Decompression bombs (more than 40 megapixels) are refused, not decoded.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 320
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class NotAnImage(ValueError):
    """The bytes do not decode as an image (or decode into something absurdly large)."""


def make(data: bytes) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)  # the first frame of a GIF or animated WebP
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, "white")
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                out = io.BytesIO()
                image.save(out, "JPEG", quality=80, optimize=True)
                return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError) as error:
        raise NotAnImage(str(error) or type(error).__name__) from None
