"""The password policy (ASVS 4.0.3 2.1.1, 2.1.2, 2.1.7, 2.1.9).

12 to 128 characters of any kind, no composition rules; refused when it is a common or breached
password, a pattern that is easy to guess (repeats, sequences, keyboard runs, dates) or contains the
account's user name or name (a Chinese name of two characters counts). Guessability is judged offline by zxcvbn (its bundled frequency lists of
common and breached passwords, names and words), because government intranets often have no internet.

zxcvbn knows no Chinese words, region names or pinyin, so before it (issue 47) a password is also refused when,
with the instance's region and city names (in Chinese, with and without 省/市/州, and their pinyin from the region
plugin's English name and codes), the platform's own words (绿色制造, 工厂, 申报, lvse, greenmfg …) and the years around
the current one taken out, too little of it is left (``hunan2026hunan``, ``湖南绿色制造工厂申报密码``), and when it is a
short phrase made only of the most common Chinese characters (fewer than 16).

Issue 55 adds what a guesser of Chinese passwords tries first (:mod:`core.accounts.pinyin_words`): pinyin surnames
and given names (``zhangwei123456``, a name and a birthday), the love numbers and phrases (``woaini1314520``),
every province and capital (``hunan2026hunan`` on the Hubei instance), the departments' names and abbreviations
(``jingxinting2026``, ``hbsjxt123456``), dates and keyboard runs: what is left of a password without them must
still weigh 4 (docs/security.md, 等保 身份鉴别).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from core.errors import InvalidInput

#: the platform's own words, in Chinese, pinyin and English (what a user of a green-manufacturing platform reaches for)
PLATFORM_WORDS = (
    "绿色制造", "绿色工厂", "绿色园区", "绿色供应链", "绿色设计", "绿色", "制造", "工厂", "园区", "供应链", "申报", "评审",
    "评价", "名单", "工信", "工业和信息化", "工业", "信息化", "节能", "环保", "低碳", "密码", "口令", "管理员", "系统", "平台",
    "greenmfg", "green", "mfg", "lvsezhizao", "lvse", "lvsegongchang", "zhizao", "gongchang", "yuanqu", "shenbao",
    "gongxin", "gongye", "jieneng", "mima", "kouling", "admin", "password", "passw0rd", "factory", "china",
    "zhongguo", "中国", "中华人民共和国",
)
#: the suffixes a place name is also written without
_PLACE_SUFFIXES = ("土家族苗族自治州", "自治区", "自治州", "地区", "新区", "省", "市", "州", "区", "县")
#: the most common Chinese characters (the head of the frequency lists of modern written Chinese): a short phrase made
#: only of them is among the first a guesser tries
COMMON_HANZI = frozenset(
    "的一是不了人在有我他这个们中来上大为和国地到以说时要就出也得里后自子会家可下而过天去能对小多然于心学么之都好看起发"
    "当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间知世"
    "什两次使身者被高已亲其进此话常与活正感见明问力理尔点文几定本公特做外孩相西果走将月十实向声车全信重三机工物气每并别"
    "真打太新比才便夫再书部水像眼等体却加电主界门利海受听表德少克代员许先口车怎山放论变军安色路东南北湖江河省市县区州制"
    "造厂园报密码绿申管系统平台产业发展环保节能低碳红金银春夏秋冬风花雪云星光爱我你他她它好的福寿喜乐安康平顺吉祥如意"
    "万里千百年岁生日快新年龙凤虎马牛羊猪狗鸡鼠兔蛇猴中华民共和国人大会议长沙株洲湘潭衡阳武汉南昌太原"
)
_MIN_LEFT = 4  # what must be left: a Chinese character counts 2, a letter 1, a digit ½

PASSWORD_MIN, PASSWORD_MAX = 12, 128
#: zxcvbn's score (0-4) a password must reach: 3 is "safely unguessable: moderate protection from an
#: offline slow-hash scenario" (passwords are stored with argon2id)
MIN_SCORE = 3
#: zxcvbn's cost grows with the length; the first 100 characters decide
_CHECKED = 100


def check(password: object, *, field: str = "password", user_inputs: Iterable[str | None] = ()) -> None:
    """Raise :class:`InvalidInput` (bilingual, naming ``field``) unless ``password`` may be used."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput("A password must have %(min)d to %(max)d characters.", field=field,
                           min=PASSWORD_MIN, max=PASSWORD_MAX)
    inputs = [x.strip().lower() for x in user_inputs if x and len(x.strip()) >= (3 if x.isascii() else 2)]
    lowered = password.lower()
    if any(x in lowered for x in inputs):
        raise InvalidInput("A password may not contain your user name or your name.", field=field)
    from zxcvbn import zxcvbn  # here: its frequency lists cost each web worker 12 MB, used only on a new password

    result = zxcvbn(password[:_CHECKED], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        _check_chinese_context(password, lowered, field)
        return
    if "common" in (result["feedback"].get("warning") or "").lower():
        raise InvalidInput("This password is among the most common or breached passwords; choose another.",
                           field=field)
    raise InvalidInput("This password is easy to guess (repeated characters, sequences, dates or common words); "
                       "choose a longer phrase of unrelated words.", field=field)


_HANZI_ONLY_MIN = 16


def _check_chinese_context(password: str, lowered: str, field: str) -> None:
    """What zxcvbn cannot judge: place names, the platform's words, years, common Chinese characters."""
    if _too_little_left(lowered):
        raise InvalidInput("This password is made of place names, the platform's words or years (%(examples)s …) "
                           "with too little else; choose a phrase of unrelated words.", field=field,
                           examples=", ".join(_examples()))
    if _common_hanzi_only(password):
        raise InvalidInput("A password made only of common Chinese characters must have at least %(n)d of them; "
                           "add more, or mix in other words, letters and digits.", field=field, n=_HANZI_ONLY_MIN)


def _is_hanzi(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _places() -> list[str]:
    """The instance's region and its cities, in Chinese (with and without their suffixes) and pinyin."""
    from flask import has_app_context

    if not has_app_context():
        return []
    from core.kernel.rules import region_rules

    rules = region_rules()
    region = rules.region
    names = [region.name, region.name_en, region.code, *region.code.split(".")]
    for code, unit in rules.admin_units.items():
        names += [unit.name, *code.split(".")]
    out = set()
    for name in filter(None, names):
        name = name.lower().replace(" ", "")
        out.add(name)
        for suffix in _PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                out.add(name[: -len(suffix)])
    return sorted(out)


def _examples() -> list[str]:
    """What the refusal names as examples: the instance's region in Chinese and pinyin, a platform word, the year."""
    from flask import has_app_context

    from core.clock import this_year

    names = []
    if has_app_context():
        from core.kernel.rules import region_rules

        region = region_rules().region
        names = [region.name, (region.name_en or "").lower().replace(" ", "")]
    return [*filter(None, names), "绿色制造", str(this_year())]


def _years() -> list[str]:
    from core.clock import this_year

    current = this_year()
    return [str(y) for y in range(current + 1, 1989, -1)] + [str(y)[2:] + "年" for y in range(current + 1, 1999, -1)]


def _too_little_left(lowered: str) -> bool:
    """Whether, with place names, the platform's words, years and dates, and the pieces of Chinese passwords
    (:mod:`core.accounts.pinyin_words`: names, love numbers, provinces, departments, keyboard runs) taken out, too
    little of the password is left."""
    left = _DATES.sub(" ", lowered)
    for word in _guessable_words():
        left = left.replace(word, " ")
    weight = sum(2 if _is_hanzi(c) else 1 if c.isalpha() else 0.5 if c.isdigit() else 0 for c in left)
    return weight < _MIN_LEFT


#: a date as people write it in a password: 19880808, 1988-08-08, 1988.8.8, or a year of birth alone (1940-2039)
_DATES = re.compile(r"(19|20)\d\d[-./]?(0?[1-9]|1[0-2])[-./]?(0?[1-9]|[12]\d|3[01])|19[4-9]\d|20[0-3]\d")


def _guessable_words() -> list[str]:
    """Longest first, so that ``zhangwei`` goes before ``zhang`` and ``wei``."""
    from core.accounts import pinyin_words

    found = {*PLATFORM_WORDS, *_places(), *_years(), *pinyin_words.words()}
    return sorted((w for w in found if len(w) >= 2), key=len, reverse=True)


def _common_hanzi_only(password: str) -> bool:
    """A short phrase of nothing but the most common Chinese characters."""
    return (len(password) < _HANZI_ONLY_MIN and all(_is_hanzi(c) for c in password)
            and all(c in COMMON_HANZI for c in password))
