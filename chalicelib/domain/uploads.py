"""What may be attached to a report (SPEC §3, §11): JPEG, PNG or PDF, at most 10 MB each. Pure
data, shared by the upload request (domain/bodies.py), the services that check stored uploads
(services/attachments.py) and the OpenAPI document."""

from __future__ import annotations

from chalicelib.errors import Problem

CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}
MAX_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200

TYPE_MESSAGE = Problem("file_type", "must be a JPEG or PNG image or a PDF (image/jpeg, image/png, application/pdf)")
SIZE_MESSAGE = Problem("file_size", "must be at most 10 MB")
FILENAME_MESSAGE = f"must be a file name of at most {MAX_FILENAME} characters"
SIZE_NUMBER_MESSAGE = "must be the file size in bytes (a whole number, at least 1)"
