"""greenmfg core: applications, lists and the plugin host.

``create_app`` is the entry point for WSGI servers, the CLI and tests.
"""
from core.app import create_app

__all__ = ["create_app"]
