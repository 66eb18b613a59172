"""``greenmfg openapi print|write``: the OpenAPI document exactly as ``/api/openapi.json`` serves it (issue 58).

flask-smorest's own commands wrote apispec's document before this project's finishing steps
(:meth:`core.api.spec.Api.document`): bounds as strings, ``null`` in query enums, a document
openapi-spec-validator refused. These write :meth:`core.api.spec.Api.document_text`, the served bytes.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

openapi_cli = AppGroup("openapi", help="The OpenAPI document of this instance, as /api/openapi.json serves it.")


def _text() -> str:
    return current_app.extensions["greenmfg_api"].document_text()


@openapi_cli.command("print")
def print_document() -> None:
    """Print the OpenAPI document (JSON), byte for byte what /api/openapi.json serves."""
    click.echo(_text(), nl=False)


@openapi_cli.command("write")
@click.argument("output_file", type=click.Path(dir_okay=False, writable=True))
def write_document(output_file: str) -> None:
    """Write the OpenAPI document (JSON, UTF-8) to OUTPUT_FILE ("-": standard output)."""
    text = _text()
    if output_file == "-":
        click.echo(text, nl=False)
        return
    with open(output_file, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
