"""Jiangxi's extra application-form fields (WTForms field + marshmallow twin), as data.

Core attaches each as ``ext_jiangxi__<code>``; values live in the application's extension data.
"""
from __future__ import annotations

from marshmallow import fields, validate
from wtforms import BooleanField, StringField
from wtforms import validators as v

from core.plugins.types import FormField

from plugins.jiangxi.rules import S003, SC_GREEN_FACTORY_FIELD

_PRIORITY_CITE = f"{S003} 二（三） (优先推荐汽车、机械、电子、纺织、通信制造等行业…龙头企业和汽车产品生产者责任延伸试点企业)"


def _flag(code: str, label: str, cite: str, description: str = "", section: str = "jiangxi_priority") -> FormField:
    meta = {"title": label, "description": description or label, "cite": cite}
    return FormField(
        code=code, label=label, unit_types=("supply_chain",), section=section,
        make_field=lambda: BooleanField(label, description=description),
        make_schema_field=lambda: fields.Boolean(load_default=False, metadata=dict(meta)),
        cite=cite,
    )


_TABLE_CITE = f"{S003} 附件 (2024年绿色制造名单推荐汇总表: 区县; 园区 类型)"


def _text(code: str, label: str, unit_types: tuple[str, ...]) -> FormField:
    return FormField(
        code=code, label=label, unit_types=unit_types, section="basic",
        make_field=lambda: StringField(label, validators=[v.InputRequired(), v.Length(max=60)]),
        make_schema_field=lambda: fields.String(required=True, validate=validate.Length(min=1, max=60),
                                                metadata={"title": label}),
        cite=_TABLE_CITE,
    )


FORM_FIELDS = (
    # the summary table asks for each unit's 区县, and for parks their 类型
    _text("jiangxi.county", "所在区县", ("factory", "park", "supply_chain")),
    _text("jiangxi.park_type", "园区类型（如国家级经济技术开发区、省级高新区）", ("park",)),
    _flag("jiangxi.priority_automotive", "汽车行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_machinery", "机械行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_electronics", "电子行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_textiles", "纺织行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_telecoms", "通信制造行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_epr_pilot", "汽车产品生产者责任延伸试点企业", _PRIORITY_CITE),
    _flag("jiangxi.priority_green_supplier_leader", "供应商中绿色工厂数量众多的龙头企业", _PRIORITY_CITE),
    _flag(SC_GREEN_FACTORY_FIELD, "本企业为绿色工厂", f"{S003} 二（三） (原则上申报绿色供应链管理企业应为绿色工厂)",
          "原则上申报绿色供应链管理企业应为绿色工厂；未勾选时由审核人确认", section="basic"),
)
