"""The hook reference in docs/ is generated from the contract and kept honest (datasette's rule)."""
from __future__ import annotations

from pathlib import Path

from core.plugins import docs, hookspecs

DOC = Path(__file__).parents[2] / "docs" / "hooks.md"


def test_committed_reference_matches_the_contract():
    assert DOC.read_text(encoding="utf-8") == docs.render(), "run: python -m core.plugins.docs > docs/hooks.md"


def test_every_hook_is_documented_with_its_exact_signature():
    text = DOC.read_text(encoding="utf-8")
    for name in docs.hook_names():
        assert f"## `{name}`" in text and docs.signature(name) in text
        doc = getattr(hookspecs, name).__doc__ or ""
        assert ":return:" in doc and "versionadded" in doc, name
        assert ("Stops at first non-None result" in doc) or ("collected" in doc), name


def test_hook_lists_cover_every_spec():
    listed = (set(hookspecs.POLICY_HOOKS) | set(hookspecs.REGISTRY_HOOKS) | set(hookspecs.DOCUMENT_HOOKS)
              | {"gm_region", "gm_setup_config_defaults"})
    assert listed == set(docs.hook_names())
