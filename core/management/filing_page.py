"""An annual filing's page: the filing as the user may see it and what its page shows (the form, the score,
the standing, the reminders), for the page and for a refused post of its form (core.management.filing_post)."""
from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import select

from core.accounts.forms import EmptyForm
from core.api import etags
from core.errors import InvalidInput
from core.extensions import db
from core.kernel.permissions import may
from core.kernel.rules import region_rules
from core.management import access, filings
from core.management.access import ManagementPerm
from core.management.blueprint import _user
from core.management.forms import (
    ReturnFilingForm,
    ReviewForm,
    filing_form_class,
    filing_initial,
    key_data_rows,
)
from core.models import AnnualFiling


def _filing(ident, perm: str = ManagementPerm.VIEW) -> AnnualFiling:
    return access.load(_user(), AnnualFiling, ident, perm=perm)


def _filing_context(filing: AnnualFiling, form=None) -> dict[str, Any]:
    iset = filings.indicator_set(filing)
    figures_rule = filings.key_figures(filing)
    # the version the form was filled in on: the posted one while the typed values are shown, else the stored one
    etag = (form is not None and request.form.get(etags.FORM_FIELD)) or etags.form_tag(
        filing_initial(filing, iset, figures_rule.figures))
    if form is None:
        figures = figures_rule.figures
        form = filing_form_class(iset, region_rules().industries, figures)(data=filing_initial(filing, iset, figures))
    try:
        score = filings.live_score(filing)
    except InvalidInput:
        score = None
    standing = [(s, filings.population(s.unit_type, s.level, s.year)) for s in filings.standing(filing)]
    return {"filing": filing, "form": form, "iset": iset, "score": score, "standing": standing,
            "deadline": filings.deadline_of(filing), "status": filings.status_of(filing),
            "review_form": ReviewForm(), "return_form": ReturnFilingForm(), "reopen_form": ReturnFilingForm(),
            "submit_form": EmptyForm(),
            "editable": filings.status_of(filing) in filings.OPEN and may(_user(), ManagementPerm.FILE),
            "reminders": filing_reminders(filing), "green_code_rule": region_rules().green_code_bands(filing.year),
            "figures_rule": figures_rule, "key_data": key_data_rows(filing.key_data or {}, figures_rule.figures),
            "etag": etag}


def filing_reminders(filing: AnnualFiling):
    from core.models import FilingReminder

    return db.session.scalars(select(FilingReminder).where(FilingReminder.filing_id == filing.id)
                              .order_by(FilingReminder.id)).all()
