"""Kept for the imports that name it here: the workbook writer lives in `core.exports`."""

from metrohub.core.exports import XLSX, xlsx_response

__all__ = ["XLSX", "xlsx_response"]
