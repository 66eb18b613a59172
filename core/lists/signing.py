"""The signatures of recommendation files live in :mod:`core.services.signing` since the audit chain's anchors, a
shared service, sign with the same keys and algorithms (issue 47); this name stays for code written against it."""
from core.services.signing import *
