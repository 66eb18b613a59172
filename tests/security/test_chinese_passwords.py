"""The password check refuses Chinese-context passwords zxcvbn cannot judge (issue 47; ASVS 4.0.3 2.1.7, GB/T
22239-2019 8.1.4.1 b 口令复杂度): the region's names in Chinese and pinyin, the platform's words, the current years and
short phrases made only of common Chinese characters. Before, ``hunan2026hunan`` and ``湖南绿色制造工厂申报密码``
were accepted. Good passwords, Chinese ones among them, are still accepted."""
from __future__ import annotations

import pytest

from core.accounts import password_policy
from core.errors import InvalidInput

REFUSED = [
    "hunan2026hunan", "湖南绿色制造工厂申报密码", "Hunan@2026Hunan", "湖南省2026湖南省", "hunan-2025-hunan",
    "changsha2026changsha", "长沙市绿色工厂2026", "长沙2026长沙2026", "zhuzhou20262026", "湘潭市湘潭2026年",
    "greenmfg2026greenmfg", "GreenMfg@2026!", "lvsezhizao2026", "lvse2026zhizao", "绿色制造2025绿色制造",
    "绿色工厂申报2026", "工信厅绿色制造2026", "gongxin2026gongxin", "shenbao2026mima", "admin2026hunan!",
    "password2026hunan", "绿色园区园区2026", "湖南绿色供应链2025", "中国湖南2026年申报", "zhongguo2026hunan",
    "hunan2025-2026", "湖南湖南湖南湖南", "我爱中国我爱湖南", "绿色制造工厂密码", "长沙湘潭株洲衡阳",
    "中华人民共和国万岁", "天天向上好好学习", "快乐生日快乐新年",
]
ACCEPTED = [
    "第二因素测试口令-2025-绿色园区", "河边的柳树和三只白鹅-2026", "夜雨剪春韭新炊间黄粱煮茶", "Tk7#mQ2v!Lp9xZ",
    "correct horse battery staple 9", "湖南的冬天-蓝鲸Quartz-77", "绿色制造-测试口令-2025", "city-password-2025",
    "greenmfg-demo-2025", "名单历史导入口令-2025", "橘子洲头看湘江北去百舸争流鹰击长空鱼翔浅底",
]


def _refused(password: str) -> bool:
    try:
        password_policy.check(password)
    except InvalidInput:
        return True
    return False


@pytest.fixture
def hunan(make_app):
    app = make_app("hunan")
    with app.app_context():
        yield app


def test_at_least_thirty_chinese_context_passwords_are_refused(hunan):
    assert len(REFUSED) >= 30
    assert [p for p in REFUSED if not _refused(p)] == []


def test_good_passwords_are_still_accepted(hunan):
    assert [p for p in ACCEPTED if _refused(p)] == []


def test_the_refusal_says_why_in_both_languages(hunan):
    with pytest.raises(InvalidInput) as caught:
        password_policy.check("湖南绿色制造工厂申报密码")
    assert "地名" in caught.value.localized("zh") and "place names" in caught.value.localized("en")
    assert "湖南" in caught.value.localized("zh") and "hunan" in caught.value.localized("en")  # the instance's region
