"""The contract is not vacuous: each deliberately broken plugin fails the contract test aimed at its defect.

Every broken plugin is a copy of a minimal valid region with one defect. They are rendered into a
temporary folder, exposed through a throwaway ``*.dist-info`` carrying their ``greenmfg.regions``
entry points (as an installed package would be), and a child pytest runs one RegionContract
subclass per plugin. A control plugin without defects must pass everything.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

BASE = '''\
from core.plugins import hookimpl
from core.plugins.types import AdminUnit, Deadline, Level, Quota, Region, UnitKind
{imports}
CODE = "{code}"


@hookimpl
def gm_region():
    return Region(code={region_code}, name="测试省", name_en="Testland", cite="test")


@hookimpl
def gm_register_admin_units():
    return [AdminUnit(code=f"{{CODE}}.city", name="测试市", kind=UnitKind.CITY, cite={unit_cite})]


{deadline_decorator}
def {deadline_hook}():
    return [Deadline(code={deadline_code}, title="市级推荐", {deadline_date}, actor="city",
                     levels=(Level.PROVINCIAL,), cite={deadline_cite})]
{extra}
'''

FORM_FIELD = '''
from marshmallow import fields
from wtforms import StringField
from wtforms.validators import Optional
from core.plugins.types import FormField


@hookimpl
def gm_register_form_fields():
    return [FormField(code=f"{CODE}.note", label="备注", cite="test",
                      make_field=lambda: StringField("备注", validators=[Optional()]),
                      make_schema_field=lambda: fields.String(required=True))]
'''

#: the issue's plant: through the escape hatch, the web form takes 0 and up, the API 10 and up (its example, 20,
#: passes both, so the sample-based checks pass)
BOUNDS_MISMATCH = '''
from marshmallow import fields, validate
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange
from core.plugins.types import FormField


@hookimpl
def gm_register_form_fields():
    return [FormField(code=f"{CODE}.staff", label="专职人员", cite="test", example=20,
                      make_field=lambda: IntegerField("专职人员", validators=[InputRequired(), NumberRange(min=0)]),
                      make_schema_field=lambda: fields.Integer(required=True, validate=validate.Range(min=10)))]
'''

#: the web form offers two options, the API takes a third
CHOICE_MISMATCH = '''
from marshmallow import fields, validate
from wtforms import SelectField
from wtforms.validators import DataRequired
from core.plugins.types import FormField


@hookimpl
def gm_register_form_fields():
    return [FormField(code=f"{CODE}.level", label="级别", cite="test", example="a",
                      make_field=lambda: SelectField("级别", choices=["a", "b"], validators=[DataRequired()]),
                      make_schema_field=lambda: fields.String(required=True, validate=validate.OneOf(["a", "b", "c"])))]
'''

#: a field of every kind, declared once: passes the whole contract
DECLARED = '''
from core.plugins.types import Column, FieldKind, FormField, with_examples


@hookimpl
def gm_register_form_fields():
    fields = (
        FormField(code=f"{CODE}.staff", label="专职人员", cite="test", kind=FieldKind.INTEGER, required=True,
                  minimum=10, maximum=500),
        FormField(code=f"{CODE}.share", label="占比（%）", cite="test", kind=FieldKind.NUMBER, minimum=0, maximum=100),
        FormField(code=f"{CODE}.output", label="产值", cite="test", kind=FieldKind.DECIMAL, required=True, minimum=0),
        FormField(code=f"{CODE}.name", label="名称", cite="test", kind=FieldKind.TEXT, required=True, max_length=20),
        FormField(code=f"{CODE}.code", label="代码", cite="test", kind=FieldKind.TEXT, pattern=r"^[0-9]{4}$"),
        FormField(code=f"{CODE}.note", label="说明", cite="test", kind=FieldKind.LONG_TEXT, max_length=200),
        FormField(code=f"{CODE}.flag", label="已创建", cite="test", kind=FieldKind.YES_NO),
        FormField(code=f"{CODE}.day", label="日期", cite="test", kind=FieldKind.DATE),
        FormField(code=f"{CODE}.level", label="级别", cite="test", kind=FieldKind.CHOICE, required=True,
                  choices=(("a", "甲"), ("b", "乙")), radio=True),
        FormField(code=f"{CODE}.pick", label="选项", cite="test", kind=FieldKind.CHOICE, choices=("x", "y")),
        FormField(code=f"{CODE}.plan", label="方案", cite="test", kind=FieldKind.UPLOAD),
        FormField(code=f"{CODE}.rows", label="产品", cite="test", kind=FieldKind.TABLE, required=True, min_rows=1,
                  max_rows=3, columns=(
                      Column(key="name", label="名称", kind=FieldKind.TEXT, required=True, max_length=10),
                      Column(key="share", label="占比", kind=FieldKind.DECIMAL, minimum=0, maximum=100))),
    )
    return with_examples(fields, {f"{CODE}.code": "1234", f"{CODE}.rows": [{"name": "甲", "share": "20"}]})
'''

#: a field whose example lies outside its own bounds (600 against a maximum of 500): refused at declaration
EXAMPLE_OUTSIDE = '''
from core.plugins.types import FieldKind, FormField


@hookimpl
def gm_register_form_fields():
    return [FormField(code=f"{CODE}.staff", label="专职人员", cite="test", kind=FieldKind.INTEGER, required=True,
                      minimum=10, maximum=500, example=600)]
'''

#: a province cap for factories only, answered for every unit type: parks would keep no cap at all (national: 15)
CAP_FACTORIES_ONLY = '''

@hookimpl
def gm_policy_evaluator_cap(level):
    from core.plugins.types import EvaluatorCap
    if level == Level.NATIONAL:
        return EvaluatorCap(limit=10, unit_types=("factory",), cite="test")
'''

#: the contract of the child run renames ``gm_register_time_limits`` to ``gm_register_deadlines`` (the engine's
#: deprecation path, docs/hooks.md): a plugin still on the old name answers, warned, and the kit follows it
RENAMED_HOOK_CONFTEST = '''\
from core.plugins import hookspecs, lifecycle
from core.plugins.hookspecs import hookspec


@hookspec(warn_on_impl=lifecycle.renamed("gm_register_time_limits", "gm_register_deadlines",
                                         since="0.6", removed_in="0.8"))
def gm_register_time_limits():
    """Return deadlines.

    .. deprecated:: 0.6 renamed :func:`gm_register_deadlines`; removed in 0.8.
    """


hookspecs.gm_register_time_limits = gm_register_time_limits
'''

#: name -> (overrides of BASE, class body lines, the contract test that must fail)
CASES = {
    "ok": ({}, [], None),
    "capover": ({"extra": "\n\n@hookimpl\ndef gm_policy_evaluator_cap(level):\n"
                          "    from core.plugins.types import EvaluatorCap\n"
                          "    if level == Level.NATIONAL:\n"
                          "        return EvaluatorCap(limit=16, cite='test')\n"},
                [], "test_stays_within_national_limits"),
    "barecode": ({"deadline_code": '"city_recommendation"'}, [], "test_registry_codes_unique_and_namespaced"),
    "uncited": ({"unit_cite": '""'}, [], "test_every_record_has_source_and_cite"),
    "deepimport": ({"imports": "from core.plugins.rules import RegionRules  # noqa\n"
                               "from plugins.national import rules as national_rules  # noqa"},
                   [], "test_imports_only_public_api"),
    "rawconfig": ({"extra": "\n\n@hookimpl\ndef gm_setup_config_defaults():\n    return {'GRADE_A_MIN': 90}\n"},
                  [], "test_config_keys_prefixed"),
    "hiddenquota": ({"extra": "\n\n@hookimpl\ndef gm_policy_quota(admin_unit):\n"
                              "    return Quota(limit=3, cite='test')\n"},
                    [], "test_quota"),
    "emptyflag": ({}, ["has_form_fields = True"], "test_form_fields_build"),
    "twinmismatch": ({"extra": FORM_FIELD}, ["has_form_fields = True"], "test_form_and_schema_agree_on_required"),
    "boundsmismatch": ({"extra": BOUNDS_MISMATCH}, ["has_form_fields = True"],
                       "test_form_and_schema_agree_on_every_bound"),
    "choicemismatch": ({"extra": CHOICE_MISMATCH}, ["has_form_fields = True"],
                       "test_form_and_schema_agree_on_every_bound"),
    "declared": ({"extra": DECLARED}, ["has_form_fields = True"], None),
    "wrongname": ({"region_code": '"guangdong"'}, [], "test_registers_cleanly"),
    "unmarked": ({"deadline_decorator": "# forgot @hookimpl"}, ["has_deadlines = False"], "test_registers_cleanly"),
    "badtemplates": ({}, [], "test_templates_namespaced"),
    # steps: a year in the code, an impossible day, a round's date years away, an undated step citing nothing
    "yearcode": ({"deadline_code": 'f"{CODE}.city_recommendation_2025"'}, [], "test_deadlines"),
    "badday": ({"deadline_date": "month_day=(2, 30)"}, [], "test_deadlines"),
    "farround": ({"imports": "import datetime", "deadline_date": "rounds={2025: datetime.date(2030, 6, 30)}"},
                 [], "test_deadlines"),
    "undateduncited": ({"deadline_date": "month_day=None", "deadline_cite": '""'}, [], "test_deadlines"),
    "capfactories": ({"extra": CAP_FACTORIES_ONLY}, [], "test_stays_within_national_limits"),
    "badexample": ({"extra": EXAMPLE_OUTSIDE}, ["has_form_fields = True"], "test_form_fields_build"),
    # not a defect: a hook's old name still answers through the deprecation path, and the kit follows it
    "oldname": ({"deadline_hook": "gm_register_time_limits"}, [], None),
}


def _render(src, code, overrides):
    values = {"imports": "", "code": code, "region_code": "CODE", "unit_cite": '"test"',
              "deadline_decorator": "@hookimpl", "deadline_code": 'f"{CODE}.city_recommendation"', "extra": "",
              "deadline_hook": "gm_register_deadlines", "deadline_date": "month_day=(6, 30)", "deadline_cite": '"test"',
              **overrides}
    package = src / code
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""A throwaway region for the contract tests."""\n', encoding="utf-8")
    (package / "plugin.py").write_text(BASE.format(**values), encoding="utf-8")
    if code == "badtemplates":
        (package / "templates").mkdir()
        (package / "templates" / "home.html").write_text("{% extends 'base.html' %}\n", encoding="utf-8")


@pytest.mark.slow
def test_each_defect_fails_its_contract_test_and_the_control_passes(tmp_path):
    src, site = tmp_path / "src", tmp_path / "site"
    dist_info = site / "greenmfg_contract_fixtures-0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: greenmfg-contract-fixtures\nVersion: 0\n",
                                        encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        "[greenmfg.regions]\n" + "".join(f"{code} = {code}.plugin\n" for code in CASES), encoding="utf-8")
    classes = ["from core.testing.contract import RegionContract\n"]
    for code, (overrides, body, _) in CASES.items():
        _render(src, code, overrides)
        classes.append(f"\nclass Test_{code}(RegionContract):\n    region = {code!r}\n"
                       + "".join(f"    {line}\n" for line in body))
    test_file = tmp_path / "test_broken_regions.py"
    test_file.write_text("".join(classes), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\n", encoding="utf-8")
    (tmp_path / "conftest.py").write_text(RENAMED_HOOK_CONFTEST, encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(site), os.environ.get("PYTHONPATH", "")]),
           "GREENMFG_INSTANCE_PATH": str(tmp_path / "instance")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", str(test_file)],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    failed = set(re.findall(r"^FAILED \S+::Test_(\w+)::(test_\w+)", run.stdout, re.M))
    assert not re.search(r"^ERROR \S+::", run.stdout, re.M), run.stdout[-4000:]
    for code, (_, _, expected) in CASES.items():
        if expected is None:
            assert not {t for c, t in failed if c == code}, f"control plugin failed: {run.stdout[-4000:]}"
        else:
            assert (code, expected) in failed, (
                f"{code}: {expected} did not fail; failures: {sorted(failed)}\n" + textwrap.shorten(run.stdout, 3000))
