"""The recommendation file's fixed points: its format, its size limit and clock skew, the deadline it is sent
by (checked when staff change a recommendation and when it is exported), and its signature (Ed25519 or
SM2-SM3 over the canonical JSON, :mod:`core.services.signing`)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any, Mapping

from flask import current_app

from core.clock import aware, now
from core.errors import DeadlinePassed, Refused
from core.kernel.rules import rule_of
from core.services.deadlines import (
    RoundDeadline,
    recommendation_deadline,
    round_refusal,
)

#: the file's layout, published as docs/recommendation-file.schema.json (:mod:`core.lists.recommendation_case`);
#: /2 (issue 54) carries each unit's case: evaluation, firm and report, city opinion, panel scores, checks, rules
FORMAT = "greenmfg.recommendation/2"
#: how far a file's export time may run ahead of the importing server's clock
CLOCK_SKEW = dt.timedelta(minutes=10)
MAX_BYTES = 5 * 1024 * 1024


# ---------------------------------------------------------------- deadline --


def deadline(year: int) -> RoundDeadline | None:
    """The deadline of ``year``'s recommendation: the round's (moved by the province, with its reason), else the
    plugin's (:func:`core.services.deadlines.recommendation_deadline`, the one resolver every page reads)."""
    return recommendation_deadline(year)


def check_deadline(year: int, at: dt.datetime | None = None) -> None:
    found = deadline(year)
    at = aware(at or now())
    if found is not None and at >= found.ends:
        # issue 61: a date the province moved or the year's notice set is named with its reason, not 办法's 07-31
        raise round_refusal(found) or DeadlinePassed(
            "The deadline for recommending to the national list passed at %(deadline)s (Beijing time; rule from "
            "%(source)s: %(cite)s).", deadline=found.text, **rule_of(found))


# ----------------------------------------------------------------- signing --


def signing_key():
    """This province's private key, Ed25519 or SM2 (:func:`core.services.signing.load_configured`)."""
    from core.services import signing

    try:
        key = signing.load_configured(current_app.config)
    except signing.KeyProblem as exc:
        raise Refused("The signing key cannot be used: %(problem)s.", problem=str(exc)) from None
    if key is None:
        raise Refused("This instance has no signing key for recommendations: an administrator creates one with "
                      "`greenmfg keys generate` and sets GREENMFG_RECOMMENDATION_KEY_FILE; the ministry registers "
                      "the public key it prints.")
    return key


def key_id(key) -> str:
    from core.services import signing

    return signing.key_id(key)


def canonical(document: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(document: dict[str, Any], key) -> dict[str, Any]:
    """Sign ``document`` in place with the private ``key`` (Ed25519 or SM2; over everything but the signature)."""
    from core.services import signing

    document.setdefault("document_id", uuid.uuid4().hex)
    document["signature"] = signing.sign(canonical(document), key)
    return document


def digest(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()
