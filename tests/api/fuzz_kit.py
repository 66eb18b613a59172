"""schemathesis against every operation of an instance's served document, as four roles (issue 18).

``fuzz(app, people, examples=…)`` runs every check schemathesis has (server errors, status codes, content
types, response schemas and headers, positive data accepted, negative data rejected, ignored auth, missing
required headers, unsupported methods, Allow headers, use after free, resource availability) on every
operation, with positive and negative data, once per role (applicant, city, province, admin), and
returns what it found. Each operation starts with the people's accounts open and their tokens valid, so a case
that closes an account or revokes a token does not blind the rest of the run.

The CI run is bounded (tests/api/test_schemathesis.py); the long run is documented in docs/api-fuzzing.md.
"""
from __future__ import annotations

import copy
import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ROLES = ("applicant", "city", "province", "admin")

#: statuses schema-valid data may get: a state refusal (409), a rule the document cannot express (422: a
#: credit code's check digit, a deadline's order, an indicator number of another table), not found (404), a
#: rate limit (429), an If-Match that is well-formed but not the record's current ETag (412, issue 48: the document
#: cannot name the current version); schemathesis' own default list plus 412 and 422
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429"]


@dataclass
class Report:
    operations: int = 0
    cases: int = 0
    by_status: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    server_errors: int = 0
    schema_violations: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.operations} operations, {self.cases} cases, statuses {dict(sorted(self.by_status.items()))}, "
                f"{self.server_errors} server errors, {self.schema_violations} schema violations, "
                f"{len(self.failures)} failed checks, {self.seconds:.0f} s")


def _config(token: str):
    """Every check, the expected statuses above, and the role's token applied by schemathesis itself (so its
    negative cases that leave the token out, and the ``ignored_auth`` check, know what authentication is)."""
    from schemathesis.config import SchemathesisConfig

    return SchemathesisConfig.from_dict({
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
        "auth": {"openapi": {"bearerAuth": {"bearer": token}}},
    })


def _tokens(app, people) -> dict[str, tuple[str, int]]:
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    with app.app_context():
        out = {}
        for role in ROLES:
            token, row = accounts.create_token(db.session.get(User, people.user_ids[role]), "fuzz", days=1)
            out[role] = (token, row.id)
        db.session.commit()
    return out


def _restore(app, people, tokens: dict[str, tuple[str, int]]) -> None:
    """Before each operation: the people's accounts open and their tokens valid again (a case may have closed
    an account or revoked a token; the next operation should still be tried as that role)."""
    from core.extensions import db
    from core.models import ApiToken, User

    with app.app_context():
        for role in ROLES:
            user = db.session.get(User, people.user_ids[role])
            user.active, user.must_change_password = True, False
            db.session.get(ApiToken, tokens[role][1]).revoked_at = None
        db.session.commit()


def fuzz(app, people, *, examples: int = 5, roles=ROLES) -> Report:
    """Every operation, as every role, with positive and negative data. The cases of an operation and mode are
    generated once and sent as each role, with that role's token: generating was about 45 % of the run when each
    role generated its own (four sets of ``examples`` distinct cases an operation and mode; now one set, which
    every role is sent)."""
    import schemathesis
    from schemathesis import GenerationMode

    tokens = _tokens(app, people)
    schemas = {role: schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=_config(tokens[role][0]))
               for role in roles}
    operations = {role: [result.ok() for result in schema.get_all_operations()] for role, schema in schemas.items()}
    report, started = Report(), time.monotonic()
    report.operations = len(operations[roles[0]])
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    for index in range(report.operations):
        cases = {mode: _generate(operations[roles[0]][index], mode, examples) for mode in modes}
        _restore(app, people, tokens)
        for role in roles:
            operation = operations[role][index]
            for mode in modes:
                if cases[mode] is None:  # negative data for an operation with nothing to violate
                    report.skipped += 1
                    continue
                for case in cases[mode]:
                    _send(_as_sent_by(operation, case), operation, f"{role}, {mode}", report)
    report.seconds = time.monotonic() - started
    return report


def _generate(operation, mode, examples: int) -> list | None:
    """``examples`` cases of ``operation`` in ``mode`` (hypothesis, derandomized), or None when the mode has
    nothing to generate (no parameters and no body to violate)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable

    cases = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def collect(case):
        cases.append(case)

    try:
        collect()
    except Unsatisfiable:
        return None
    return cases


def _as_sent_by(operation, case):
    """``case`` as a case of ``operation`` (the same operation in another role's schema), with its own copy of the
    data and that role's token put on it as schemathesis puts it on the cases it generates (and on those its
    ``replay`` command sends)."""
    from schemathesis import AuthContext
    from schemathesis.auths import set_on_case

    sent = operation.Case(method=case.method, path_parameters=copy.deepcopy(case.path_parameters),
                          headers=copy.deepcopy(dict(case.headers or {})), cookies=copy.deepcopy(case.cookies),
                          query=copy.deepcopy(case.query), body=_copy(case.body), media_type=case.media_type,
                          multipart_content_types=copy.deepcopy(case.multipart_content_types), _meta=case._meta)
    set_on_case(sent, AuthContext(operation=operation, app=operation.app), None)
    return sent


def _copy(value):
    """A copy of a case's body; schemathesis' "no body" marker is compared by identity and stays itself."""
    from schemathesis.core import NOT_SET

    return value if value is NOT_SET else copy.deepcopy(value)


def _send(case, operation, who: str, report: Report) -> None:
    report.cases += 1
    try:
        response = case.call_and_validate()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failed check is collected
        text = str(exc)
        report.failures.append(f"{operation.label} as {who}: {text[:2000]}")
        if "Server error" in text:
            report.server_errors += 1
        if "Response violates schema" in text or "does not conform" in text.lower():
            report.schema_violations += 1
        return
    report.by_status[response.status_code] += 1
    if response.status_code >= 500:
        report.server_errors += 1


def seed_world(app, people) -> dict[str, Any]:
    """Records for the fuzzer to find at small ids: a campaign, applications in several states, evidence, a
    notice, a ban, a filing-free round filing campaign, so that many cases reach past the 404."""
    from core.applications import services
    from core.extensions import db
    from core.management import bans
    from core.models import Organization, User

    import api_kit as kit

    with app.app_context():
        user = db.session.get(User, people.user_ids["applicant"])
        rules = app.extensions["greenmfg"].rules
        campaign = services.open_campaign(actor="fuzz", year=2025, level="provincial", unit_types=["factory"],
                                          closes_at=dt.datetime(2099, 12, 31, tzinfo=dt.UTC))
        declarations = {i.code: True for i in rules.negative_list_for("factory", "provincial", 2025)}
        ids = []
        for n in range(3):
            a = services.start_application(user, campaign, "factory") if n == 0 else None
            if a is None:
                org = Organization(uscc=kit.make_uscc("430100"), name=f"模糊测试企业{n}", admin_unit_id=people.unit_id)
                db.session.add(org)
                db.session.flush()
                from core.accounts import services as accounts

                other = accounts.create_user(username=f"fuzz_applicant{n}", password=kit.PASSWORD,
                                             display_name=org.name, role="applicant", actor="fuzz",
                                             organization_id=org.id)
                a = services.start_application(other, campaign, "factory")
            services.save_draft(a, {"contact_name": "赵磊", "contact_phone": "0731-88886666",
                                    "declarations": declarations, "indicator_values": {"1": 0.6}}, "fuzz")
            services.add_evidence(a, "general", "材料.pdf", kit.pdf(2), "fuzz")
            ids.append(a.id)
        for app_id in ids[1:]:
            from core.models import Application

            a = db.session.get(Application, app_id)
            try:
                services.submit(a, "fuzz")
            except Exception:  # noqa: BLE001 - a region's required fields: stays a draft
                db.session.rollback()
        org = db.session.get(Organization, people.org_id)
        bans.ban_organization(org, next(iter(s.code for s in rules.sanctions.values() if s.ban_years)), "弄虚作假",
                              "fuzz")
        db.session.commit()
        return {"campaign_id": campaign.id, "application_ids": ids}
