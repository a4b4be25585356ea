"""Files: upload rules (magic-byte types, sizes), the upload/download use cases, thumbnails."""
