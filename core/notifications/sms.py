"""SMS as a plugin point: a gateway is an object with ``send(phone, text)``, found by the name
``GREENMFG_SMS_GATEWAY`` among the ``greenmfg.sms_gateways`` entry points of the installed packages
(a class or factory called with the app's config). ``log`` (the default) is built in and logs the message."""
from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import Any, Mapping, Protocol

from flask import current_app

from core.config import ConfigurationError

log = logging.getLogger(__name__)
GROUP = "greenmfg.sms_gateways"


class Gateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogGateway:
    def __init__(self, config: Mapping[str, Any] | None = None):
        pass

    def send(self, phone: str, text: str) -> None:
        log.info("SMS (gateway log) to %s: %s", phone, text)


def load(name: str, config: Mapping[str, Any]) -> Gateway:
    if name == "log":
        return LogGateway(config)
    found = entry_points(group=GROUP, name=name)
    if not found:
        known = ["log", *sorted(ep.name for ep in entry_points(group=GROUP))]
        raise ConfigurationError(f"GREENMFG_SMS_GATEWAY={name!r}: 未安装该短信网关 / no such SMS gateway is installed "
                                 f"(entry point group {GROUP}); installed: {', '.join(known)}")
    return next(iter(found)).load()(config)


def gateway() -> Gateway:
    return current_app.extensions["greenmfg_sms"]
