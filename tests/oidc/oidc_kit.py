"""What the OIDC tests share (issue 60): the test client, the identity service's accounts and their credit codes.

Import as ``from oidc_kit import ...`` (a name of its own: ``conftest`` is every folder's).
"""
from __future__ import annotations

import socket

from stdnum.cn import uscc as stdnum_uscc

CLIENT_ID, CLIENT_SECRET = "greenmfg", "greenmfg-test-client-secret"


def code(n: int) -> str:
    """A valid unified social credit code (GB 32100-2015; domain.md B8: the 18th character is the mod-31 check)."""
    body = f"91430100{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


NEW_USCC, KNOWN_USCC = code(760001), code(760002)
#: the check character of a valid code changed: GB 32100-2015's check (domain.md B8) refuses it
BAD_USCC = NEW_USCC[:17] + ("0" if NEW_USCC[17] != "0" else "1")
STAFF_KEY, GHOST_KEY = "hn-gxt-0042", "hn-gxt-9999"

#: the accounts of the test identity service: enterprises (法人) with their credit code, staff with their staff id
ACCOUNTS = {
    "ent-new": {"name": "湖南绿源新材料有限公司", "uscc": NEW_USCC},
    "ent-known": {"name": "长沙已登记环保科技有限公司", "uscc": KNOWN_USCC},
    "ent-bad": {"name": "代码有误的企业有限公司", "uscc": BAD_USCC},
    "staff-wang": {"name": "王晓东", "preferred_username": STAFF_KEY},
    "staff-ghost": {"name": "未开户的工作人员", "preferred_username": GHOST_KEY},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
