from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # receiver_kit.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "management"))  # mgmt_world.py (accounts, log-in)
