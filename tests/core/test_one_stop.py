"""A sentence put into a message ends once (issue 42: "。。" where a reason a person wrote, ending in 。, was put
before the message's own full stop). The refusal of a banned unit quotes the ban's reason (Shanxi 晋工信节能规字〔2024〕3号
第二十二条: 弄虚作假…取消其申报资格，三年内不得再次申报, seed 004_7a8ddd82f611ab67.txt line 105); the province's reason
ends its own sentence."""
from __future__ import annotations

from core.errors import Refused
from core.i18n import one_stop


def test_a_refusal_quoting_a_reason_that_ends_in_a_full_stop_stops_once(make_app):
    error = Refused("%(name)s (credit code %(uscc)s) may not apply until %(until)s: %(reason)s.",
                    name="太原绿色机械有限公司", uscc="91140100MA0K000001", until="2027-05-31",
                    reason="评价过程中发现弄虚作假，取消申报资格。")
    app = make_app("shanxi")
    with app.app_context():
        zh = error.localized("zh")
    assert zh.endswith("不得申报：评价过程中发现弄虚作假，取消申报资格。"), zh
    assert "。。" not in zh and "。。" not in str(error)


def test_one_stop_keeps_every_other_mark():
    assert one_stop("请补充材料。。请于12月1日前重新提交。") == "请补充材料。请于12月1日前重新提交。"
    assert one_stop("缺少A。；缺少B。") == "缺少A；缺少B。"
    assert one_stop("已完成！。") == "已完成！"
    assert one_stop("……省略号……。") == "……省略号……。"
    assert one_stop("Done.. twice") == "Done.. twice"  # English is written by the catalogue, not joined here
