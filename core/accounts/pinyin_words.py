"""What a Chinese user's guessable password is made of, in pinyin (issue 55; :mod:`core.accounts.password_policy`).

zxcvbn's lists are English: ``zhangwei123456`` (张伟, the commonest full name) or ``woaini1314520`` (我爱你一生一世我爱
你) score as strong there. These are the pieces a guesser of Chinese passwords tries first, after the published
analyses of the leaked Chinese password sets (CSDN, 天涯, 多玩 2011): surnames and given-name syllables, the love
numbers and phrases, every province and its capital (a neighbour's name too: ``hunan2026hunan`` on the Hubei
instance), the industry and information departments' names and abbreviations (经信厅 ``jingxinting``, 湖北省经信厅
``hbsjxt``, 工信厅 ``gxt``), and keyboard runs.
"""
from __future__ import annotations

from pathlib import Path

#: the commonest surnames (the top hundred cover some 85 % of people), pinyin without tones
SURNAMES = (
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu",
    "guo", "he", "gao", "lin", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng",
    "zeng", "xiao", "tian", "dong", "yuan", "pan", "yu", "jiang", "cai", "du", "ye", "cheng", "wei", "su", "lv", "lyu",
    "ding", "ren", "shen", "yao", "lu", "cui", "zhong", "tan", "fan", "jin", "shi", "liao", "jia", "xia", "fu",
    "fang", "bai", "zou", "meng", "xiong", "qin", "qiu", "yin", "xue", "yan", "duan", "lei", "hou", "long", "tao",
    "gu", "mao", "hao", "gong", "shao", "wan", "qian", "dai", "mo", "kong", "xiang", "chang", "kang", "niu", "ou",
    "ouyang", "situ", "zhuge", "shangguan", "murong",
)
#: the commonest given-name syllables
GIVEN = (
    "wei", "fang", "na", "min", "jing", "li", "qiang", "lei", "jun", "yang", "yong", "yan", "jie", "juan", "tao",
    "ming", "chao", "xiuying", "xia", "hua", "ping", "gang", "gui", "ying", "hui", "hong", "bo", "yu", "peng", "hao",
    "xin", "dan", "yun", "qing", "kai", "long", "fei", "ting", "xue", "mei", "lan", "feng", "jian", "hai", "bin",
    "xiao", "wen", "bing", "lin", "ning", "jia", "rui", "yi", "zhi", "hong", "guang", "cheng", "dong", "liang", "shan",
    "lu", "yue", "xiang", "qi", "zi", "han", "xuan", "hang", "chen", "yuan", "kun", "le", "ke", "tian", "yao", "ling",
    "shu", "ru", "ya", "xi", "di", "an", "en", "ao", "wu", "jiao", "lili", "tingting", "xiaoming", "xiaohong",
    "zhangsan", "lisi", "wangwu",
)
#: the love numbers and phrases, and what else leads the leaked lists
PHRASES = (
    "5201314", "1314520", "1314521", "520520", "1314", "520", "521", "woaini", "woaiwojia", "woainimen", "aini",
    "iloveyou", "ilove", "love", "woshi", "nihao", "bugaosuni", "wodemima", "mimamima", "zhongguo", "zhonghua",
    "aoyun", "xingfu", "kuaile", "pingan", "fuqi", "baobei", "laopo", "laogong", "tiantian", "qq", "abc", "aaa",
    "888", "666", "168", "518", "1688", "8888", "6666",
)
#: every province-level division and its capital (and the largest cities), pinyin: a word list kept as data
#: (``data/places_pinyin.txt``), not code, since core names no region (tests/core/test_architecture.py)
PLACES = tuple(line.strip() for line in (Path(__file__).parent / "data" / "places_pinyin.txt").read_text(
    encoding="utf-8").splitlines() if line.strip() and not line.startswith("#"))
#: the departments that run the programme: names and the abbreviations their staff use
DEPARTMENTS = (
    "jingxinting", "gongxinting", "jingxinwei", "gongxinwei", "jingxinju", "gongxinju", "gongxinbu", "jingjixinxi",
    "gongyexinxi", "gongyehexinxihua", "jingjihexinxihua", "xinxihua", "jingxin", "gongxin", "miit",
)
_DEPARTMENT_ABBREVIATIONS = ("jxt", "gxt", "jxw", "gxw", "jxj", "gxj")
#: province abbreviations (their pinyin initials) as the departments' staff write them before those
_PROVINCE_INITIALS = (
    "bj", "sh", "tj", "cq", "hb", "heb", "sx", "snx", "nmg", "ln", "jl", "hlj", "js", "zj", "ah", "fj", "jx", "sd",
    "hn", "hen", "gd", "gx", "hain", "sc", "gz", "yn", "xz", "gs", "qh", "nx", "xj",
)
#: keyboard runs (rows, columns, zigzags) of a QWERTY keyboard, as typed
KEYBOARD = (
    "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb", "1q2w3e4r5t6y7u8i9o0p", "qweasdzxc", "qazwsxedc",
    "zaq1xsw2cde3", "1234qwer", "qwer1234", "asdf1234", "zxcv1234", "!qaz@wsx", "poiuytrewq", "lkjhgfdsa",
    "mnbvcxz", "0987654321", "1234567890",
)


def abbreviations() -> tuple[str, ...]:
    """``hbsjxt``, ``hbjxt``, ``hnsgxt`` …: a province's initials, 省 (``s``) or not, and a department's."""
    return tuple(f"{p}{s}{d}" for p in _PROVINCE_INITIALS for s in ("", "s") for d in _DEPARTMENT_ABBREVIATIONS)


def keyboard_runs() -> tuple[str, ...]:
    """Every run of four or more keys of :data:`KEYBOARD` (``qwer``, ``sdfgh``, ``1qaz2wsx`` …)."""
    runs = set()
    for row in KEYBOARD:
        for size in range(4, len(row) + 1):
            runs.update(row[i:i + size] for i in range(len(row) - size + 1))
    return tuple(runs)


def words() -> tuple[str, ...]:
    """All of the above, each piece a guesser tries."""
    names = (w for w in (*SURNAMES, *GIVEN) if len(w) >= 3)  # "li", "he", "an" … are in too many English words
    return (*names, *PHRASES, *PLACES, *DEPARTMENTS, *_DEPARTMENT_ABBREVIATIONS, *abbreviations(),
            *keyboard_runs())
