"""Building the app for a command (the ``greenmfg`` group's ``create_app``, and a command that names another
region): a plugin or configuration problem ends the command with its message and exit code 2."""
from __future__ import annotations

import sys

import click

from core.app import create_app
from core.config import ConfigurationError
from core.plugins.errors import PluginError


def load_app(config=None):
    """Build the app for a CLI command; a plugin problem ends with its message, exit code 2."""
    try:
        return create_app(config)
    except (PluginError, ConfigurationError) as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)
