"""WTForms' own messages on a page, in its language: every web form (core.kernel.forms.PageForm) and a region
table's row form. WTForms' Chinese catalogue reads "Number must be at least 0." as 数值必须大于 0 ("greater than
0"), though 0 is accepted (Hunan's 企业近三年经营情况 and 主要产品 take 0, seed 000_5ae1342e00264ea1.txt 附件1);
the platform words it 数值不能小于 0, and keeps WTForms' own wording where it is right."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("lang, expected", [
    ("zh", ["数值不能小于 0。", "数值不能大于 5。", "数值大小必须介于 1 到 3 之间。", "该字段是必填字段。"]),
    ("en", ["Number must be at least 0.", "Number must be at most 5.", "Number must be between 1 and 3.",
            "This field is required."]),
])
def test_a_forms_own_messages_read_rightly_in_the_pages_language(make_app, lang, expected):
    from wtforms import IntegerField, StringField
    from wtforms.validators import DataRequired, NumberRange

    from core.applications.fields import rows_in_page_language
    from core.kernel.forms import PageForm

    class Figures(PageForm):
        class Meta:
            csrf = False

        at_least = IntegerField(validators=[NumberRange(min=0)])
        at_most = IntegerField(validators=[NumberRange(max=5)])
        between = IntegerField(validators=[NumberRange(min=1, max=3)])
        name = StringField(validators=[DataRequired()])

    app = make_app("hunan")
    data = {"at_least": "-1", "at_most": "9", "between": "7", "name": ""}
    with app.test_request_context(f"/?lang={lang}", method="POST", data=data):
        form = Figures()
        assert not form.validate()
        assert [e for f in form for e in f.errors] == expected

    # a region table's row form (a plain WTForms form core builds from the declaration): Hunan's 负债率 below 0
    from wtforms.form import Form

    from core.declared_fields import web_field
    from plugins.hunan.forms import FINANCES

    class Table(Form):
        rows = rows_in_page_language(web_field(FINANCES))

    row = {"rows-0-year": "2023", "rows-0-total_assets": "1", "rows-0-debt_ratio": "-1", "rows-0-revenue": "1",
           "rows-0-profit": "1", "rows-0-tax": "1"}
    with app.test_request_context(f"/?lang={lang}", method="POST", data=row):
        from flask import request

        table = Table(request.form)
        assert not table.validate()
        assert table.rows.entries[0].form.debt_ratio.errors == [expected[0]]
