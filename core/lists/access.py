"""Who publishes which list and who loads the list history: this package's permissions (:data:`PERMISSIONS`,
registered in :mod:`core.kernel.permissions` at start-up).

A list is published by the body the region's documents name (``publication(level, year).publisher``: the
city, the province or the ministry); each publisher is a permission (``lists.publish.<publisher>``), so an
instance can withhold it. Notices and decisions also need the review feature's ``notice.manage``.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from core.kernel.permissions import Permission
from core.models import Role


class ListsPerm(StrEnum):
    #: load the lists the province already has (core.lists.history)
    HISTORY = "lists.history"
    PUBLISH_CITY = "lists.publish.city"
    PUBLISH_PROVINCE = "lists.publish.province"
    PUBLISH_MINISTRY = "lists.publish.ministry"


def publish_perm(publisher: str) -> str:
    """The permission to publish the lists ``publisher`` (city, province, ministry) publishes."""
    return f"lists.publish.{publisher}"


#: this package's permissions, registered at start-up (:mod:`core.kernel.permissions`)
PERMISSIONS = (
    Permission(ListsPerm.HISTORY, frozenset({Role.PROVINCE, Role.ADMIN}),
               _l("Load the lists the province already has")),
    Permission(ListsPerm.PUBLISH_CITY, frozenset({Role.CITY}), _l("Publish the city's own list")),
    Permission(ListsPerm.PUBLISH_PROVINCE, frozenset({Role.PROVINCE, Role.ADMIN}),
               _l("Publish the lists the province publishes")),
    Permission(ListsPerm.PUBLISH_MINISTRY, frozenset({Role.MINISTRY, Role.ADMIN}),
               _l("Publish the lists the ministry publishes")),
)


def stage_publisher(user) -> tuple[str, int | None] | None:
    """Which publisher of a stage before a list ``user`` acts for (core.lists.stage_members): ``("city", its
    city)`` for a city bureau that publishes its city's lists (Hubei's 培育库, 002 三(一)), ``("province", None)``
    for province staff who publish the province's lists and manage notices (Shanxi's 培育对象, 004 第七条); ``None``
    for anyone else."""
    from core.accounts.permissions import city_of
    from core.kernel.permissions import may

    if user is None:
        return None
    city = city_of(user)
    if city is not None:
        return ("city", city) if may(user, ListsPerm.PUBLISH_CITY) else None
    if may(user, ListsPerm.PUBLISH_PROVINCE) and may(user, "notice.manage"):
        return "province", None
    return None
