"""Kept for the callers that import it from here: the upload checks live in
metrohub.core.uploads, shared by every app."""

from metrohub.core.uploads import (  # noqa: F401
    ALLOWED,
    EXTENSIONS,
    check_upload,
    read_upload,
    sniff,
)
