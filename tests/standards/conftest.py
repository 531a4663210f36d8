"""The center ready to work of the certificates tests (its people, authorizations, standard)."""

import importlib.util
from pathlib import Path

_path = Path(__file__).resolve().parent.parent / "certificates" / "conftest.py"
_spec = importlib.util.spec_from_file_location("_certificates_lab", _path)
_lab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_lab)

TODAY = _lab.TODAY
lab = _lab.lab
on_day = _lab.on_day
issue = _lab.issue
