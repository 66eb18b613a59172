"""The province's signing key on a page (issue 54): province staff see the algorithm, the public key and its
fingerprint, and download the key file the ministry registers; the ministry registers a province's key by uploading
that file on its *Province signing keys* page. Business rules: :mod:`core.lists.keys`."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core.accounts.web import login_required
from core.errors import GreenmfgError, NotFound
from core.extensions import db
from core.kernel.rules import region_rules
from core.kernel.uow import commit
from core.lists import keys
from core.lists.forms import ProvinceKeyFileForm
from core.lists.views import _form_ok, _keys_page, _province_choices, _user, bp
from core.lists.forms import ProvinceKeyForm
from core.review.access import ReviewPerm
from core.web.downloads import attachment, file_name
from core.web.nav import NavLink

NAV = (
    NavLink(endpoint="lists.signing_key", label=_l("Signing key"), place="section", perm=ReviewPerm.RECOMMEND,
            order=23),
)


def _problem_and_key() -> tuple[str | None, dict | None]:
    """(why the configured key cannot be used, the key): a key that cannot be used is shown as the reason, on a
    page that still opens."""
    try:
        return None, keys.own_key(current_app.config)
    except GreenmfgError as exc:
        return exc.localized(), None


@bp.get("/province/signing-key")
@login_required(ReviewPerm.RECOMMEND)
def signing_key():
    problem, key = _problem_and_key()
    return render_template("lists/signing_key.html", key=key, problem=problem,
                           national=region_rules().region.authority == "national")


@bp.get("/province/signing-key/download")
@login_required(ReviewPerm.RECOMMEND)
def signing_key_file():
    problem, key = _problem_and_key()
    if key is None:
        raise NotFound("This instance has no signing key for recommendations yet.")
    return attachment(keys.key_file(key), file_name(_("Signing key"), region_rules().region, key["key_id"],
                                                    suffix=".json"), "application/json")


@bp.post("/ministry/province-keys/file")
@login_required(ReviewPerm.RECOMMENDATION_IMPORT)
def register_key_file():
    """Register the key of the file a province downloaded from its Signing key page."""
    form = ProvinceKeyFileForm()
    if not _form_ok(form):
        return redirect(url_for("lists.province_keys"))
    raw = form.file.data.stream.read(keys.KEY_FILE_MAX_BYTES + 1)
    try:
        row = keys.register_file(_user().username, raw, form.note.data or "")
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        key_form = ProvinceKeyForm(formdata=None)
        key_form.province.choices = _province_choices()
        return _keys_page(key_form, file_form=form), exc.http_status
    names = dict(_province_choices())
    flash(_("Key %(key)s registered for %(province)s: its recommendation files can now be imported.",
            key=row.key_id, province=names.get(row.province, row.province)), "info")
    return redirect(url_for("lists.province_keys"))
