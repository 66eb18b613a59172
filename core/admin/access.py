"""Who may open the administrators' and officers' screens (:data:`PERMISSIONS`, registered in
:mod:`core.kernel.permissions` at start-up).

Accounts are looked after by administrators, province staff and city bureaus; which accounts each
of them may open, reset, close or bind is the accounts feature's rule (:func:`core.accounts.permissions.may_manage`).
The instance's settings (units, holidays, evaluator firms, reference values) are the administrators'.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from core.kernel.permissions import Permission
from core.models import Role


class AdminPerm(StrEnum):
    ACCOUNTS = "admin.accounts"
    UNITS = "admin.units"
    HOLIDAYS = "admin.holidays"
    FIRMS = "admin.firms"
    REFERENCES = "admin.references"
    CLOCK = "admin.clock"
    #: see whether the audit log was verified, and the command that verifies it on the server
    AUDIT = "admin.audit"


_ADMIN = frozenset({Role.ADMIN})
#: the officers who look after accounts but not the instance's settings: their menu opens the accounts (账户管理),
#: not the administrators' 系统管理
ACCOUNT_KEEPERS = frozenset({Role.PROVINCE, Role.CITY})
#: this package's permissions, registered at start-up (:mod:`core.kernel.permissions`)
PERMISSIONS = (
    Permission(AdminPerm.ACCOUNTS, frozenset({Role.ADMIN, Role.PROVINCE, Role.CITY}),
               _l("Open, reset, close and bind the accounts one looks after")),
    Permission(AdminPerm.UNITS, _ADMIN, _l("Add and rename administrative units")),
    Permission(AdminPerm.HOLIDAYS, _ADMIN, _l("Edit the holiday table")),
    Permission(AdminPerm.FIRMS, _ADMIN, _l("Register and update evaluator firms")),
    Permission(AdminPerm.REFERENCES, _ADMIN, _l("Enter and import reference values for scoring")),
    Permission(AdminPerm.CLOCK, _ADMIN, _l("Move a training instance's clock forward")),
    Permission(AdminPerm.AUDIT, _ADMIN, _l("See when the audit log was last verified on the server")),
)
