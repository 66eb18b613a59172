"""Every refusal can be put into words (issue 18: ``%(field)s`` made 17 management calls end in a 500).

Each ``raise SomeError("… %(name)s …", …)`` in core and the plugins is read from the source: every
placeholder of its message is given as a keyword (``field`` counts: the error names its field), so no
message fails while it is being formatted; and the one that failed is formatted in both languages."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _error_classes() -> set[str]:
    from core.errors import GreenmfgError

    import core.scoring.files  # noqa: F401  (every refusal class defined)

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub.__name__
            yield from walk(sub)

    return {"GreenmfgError", *walk(GreenmfgError)}


def _calls():
    names = _error_classes()
    for path in [*(ROOT / "core").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if func in names and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield path.relative_to(ROOT), node.lineno, node.args[0].value, node.keywords


def test_every_placeholder_of_every_refusal_is_given():
    problems, seen = [], 0
    for path, line, message, keywords in _calls():
        seen += 1
        if any(k.arg is None for k in keywords):  # **params: checked where they are built
            continue
        given = {k.arg for k in keywords}
        missing = set(PLACEHOLDER.findall(message)) - given
        if missing:
            problems.append(f"{path}:{line} {message!r} lacks {sorted(missing)}")
    assert seen > 300
    assert problems == []


def test_a_message_naming_its_field_is_formatted_in_both_languages(make_app):
    from core.errors import InvalidInput
    from core.management.common import text

    app = make_app("hunan")
    with app.test_request_context("/?lang=en"):
        err = InvalidInput("%(field)s: file refused, nothing imported; %(count)s rows have errors", field="rows",
                           count=3)
        assert err.localized("en") == "rows: file refused, nothing imported; 3 rows have errors"
        try:
            text("  ", "reason")
        except InvalidInput as exc:
            assert exc.field == "reason"
            assert exc.localized("zh") == "理由：请填写2至500个字符。"
            assert exc.localized("en") == "Reason: enter 2 to 500 characters."
        else:
            raise AssertionError("a blank reason is refused")
