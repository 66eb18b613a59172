"""tests/security reuse the world of tests/applications (users of every role in one region)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py
