"""Form declarations: an extra application-form field (:class:`FormField`), declared once, from which core builds
the web form's field, the JSON API's field and its OpenAPI description (:mod:`core.declared_fields`); its kinds,
options and table columns, and the helpers a plugin keeps its translations and examples with.

Plugins import these through :mod:`core.plugins` (or :mod:`core.plugins.types`) only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Callable, Mapping, Sequence, TypeVar

from core.plugins.identity import CodedRecord, Level
from core.plugins.summary_layouts import year_text

# ------------------------------------------------------------------ forms ---


class FieldKind(StrEnum):
    """What a form field holds; core builds the web form's input and the JSON API's field from it."""

    #: one line of text (``max_length``, ``pattern``)
    TEXT = "text"
    #: several lines of text (``max_length``)
    LONG_TEXT = "long_text"
    #: a whole number (``minimum``, ``maximum``); the API takes a JSON number
    INTEGER = "integer"
    #: an exact decimal (万元, 万吨标煤: ``minimum``, ``maximum``); the API takes a number or a numeric string
    DECIMAL = "decimal"
    #: a number with a fraction, kept as a float (a share in %: ``minimum``, ``maximum``)
    NUMBER = "number"
    #: a tick box: ticked is ``true``, unticked (or left out) ``false``; never "required"
    YES_NO = "yes_no"
    #: a calendar day, ``YYYY-MM-DD`` in the API
    DATE = "date"
    #: one of ``choices`` (a drop-down, or radio buttons with ``radio``); an optional choice may stay empty
    CHOICE = "choice"
    #: a file: a PDF in the web form, the id of an upload made through core's file endpoint in the API
    UPLOAD = "upload"
    #: rows of ``columns`` (``min_rows``, ``max_rows``, ``rows_check``): a list of objects in the API
    TABLE = "table"


#: kinds that hold a number (``minimum`` and ``maximum`` apply)
NUMBER_KINDS = (FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.NUMBER)
#: kinds that hold text (``max_length`` applies; ``pattern`` to one line)
TEXT_KINDS = (FieldKind.TEXT, FieldKind.LONG_TEXT)


@dataclass(frozen=True, kw_only=True)
class Choice:
    """One option of a :attr:`FieldKind.CHOICE` field: the ``value`` sent and stored, the ``label`` shown (the
    document's; ``terms_en`` of the field gives its English). A plain string in ``choices`` is both."""

    value: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Input:
    """What one input accepts, on the web form and in the JSON API alike: core builds both from it
    (:mod:`core.declared_fields`), so the two cannot disagree.

    ``minimum`` and ``maximum`` are inclusive (numbers); ``max_length`` counts characters (text);
    ``pattern`` is a regular expression the whole text matches (one line); ``choices`` are the options of a
    choice (:class:`Choice` or plain strings). ``required``: it must be filled in before submission (a draft may
    leave it empty); a yes/no box is never required.
    """

    kind: FieldKind | None = None
    required: bool = False
    minimum: int | float | Decimal | None = None
    maximum: int | float | Decimal | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[Choice | str | tuple[str, str], ...] = ()
    #: a choice shown as radio buttons rather than a drop-down
    radio: bool = False

    @property
    def options(self) -> tuple[Choice, ...]:
        """``choices`` as :class:`Choice` records (a plain string is its own label; a pair is value and label)."""
        return tuple(c if isinstance(c, Choice) else Choice(value=c, label=c) if isinstance(c, str)
                     else Choice(value=c[0], label=c[1]) for c in self.choices)

    def _check_input(self, where: str) -> None:
        kind = self.kind
        if (self.minimum is not None or self.maximum is not None) and kind not in NUMBER_KINDS:
            raise ValueError(f"{where}: minimum/maximum apply to numbers only, not to {kind}")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"{where}: minimum {self.minimum} above maximum {self.maximum}")
        if self.max_length is not None and kind not in TEXT_KINDS:
            raise ValueError(f"{where}: max_length applies to text only, not to {kind}")
        if self.pattern is not None and kind != FieldKind.TEXT:
            raise ValueError(f"{where}: pattern applies to one line of text only, not to {kind}")
        if bool(self.choices) != (kind == FieldKind.CHOICE):
            raise ValueError(f"{where}: a choice needs choices, and only a choice has them")
        if self.radio and kind != FieldKind.CHOICE:
            raise ValueError(f"{where}: radio applies to a choice only")
        if self.required and kind == FieldKind.YES_NO:
            raise ValueError(f"{where}: a yes/no box cannot be required (unticked is an answer: no)")
        values = [c.value for c in self.options]
        if len(set(values)) != len(values) or "" in values:
            raise ValueError(f"{where}: choices repeat a value or offer an empty one")

    def value_problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` (as the JSON API takes it) against this input's own bounds, or None:
        a number outside ``minimum``…``maximum``, a text longer than ``max_length`` or off its ``pattern``, a
        choice not offered. A text with year fields (``{year-1}``) is filled for a round, so it is left to the
        contract kit, which fills it."""
        if value is None or (isinstance(value, str) and "{" in value):
            return None
        if self.kind in NUMBER_KINDS:
            try:
                number = Decimal(str(value)) if not isinstance(value, bool) else None
            except ArithmeticError:
                number = None
            if number is None or not number.is_finite():
                return f"{value!r} is not a number"
            if self.minimum is not None and number < Decimal(str(self.minimum)):
                return f"{value!r} is below the minimum {self.minimum}"
            if self.maximum is not None and number > Decimal(str(self.maximum)):
                return f"{value!r} is above the maximum {self.maximum}"
        elif self.kind in TEXT_KINDS and isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                return f"{value!r} is longer than max_length {self.max_length}"
            if self.pattern is not None and not re.fullmatch(self.pattern, value):
                return f"{value!r} does not match the pattern {self.pattern!r}"
        elif self.kind == FieldKind.CHOICE and value not in {c.value for c in self.options}:
            return f"{value!r} is not one of the choices {[c.value for c in self.options]}"
        return None


@dataclass(frozen=True, kw_only=True)
class Column(Input):
    """One column of a :attr:`FieldKind.TABLE` field: ``key`` in the API's row objects, ``label`` as the document
    prints it (``terms_en`` of the field gives its English). A cell not ``required`` may be left out of a row."""

    key: str
    label: str

    def __post_init__(self) -> None:
        if self.kind is None or self.kind in (FieldKind.TABLE, FieldKind.UPLOAD):
            raise ValueError(f"column {self.key!r}: a column holds text, a number, a date, yes/no or a choice")
        self._check_input(f"column {self.key!r}")


@dataclass(frozen=True, kw_only=True)
class FormField(Input, CodedRecord):
    """An extra application-form field, declared once: core builds the web form's field, the JSON API's field
    and its OpenAPI description from it (:mod:`core.declared_fields`), so both accept the same values.

    ``kind`` (:class:`FieldKind`) says what it holds; ``required``, ``minimum``/``maximum``, ``max_length``,
    ``pattern`` and ``choices`` (:class:`Input`) what it accepts; a table has ``columns`` and its row bounds.
    ``code`` is ``<region>.<name>``. Core attaches the form field and the schema field as
    ``ext_<region>__<name>`` (:func:`field_attr`) so they never clash with core's, stores the value in the
    application's extension data under the code, and passes it to eligibility checks under the code too
    (``data["shanxi.chain_leader"]``).

    Escape hatch, for what a declaration cannot say: give no ``kind`` and both ``make_field`` (an *unbound*
    WTForms field) and ``make_schema_field`` (its marshmallow twin). The contract kit then tries every bound
    and option either side states on both sides and fails on any disagreement.
    """

    label: str
    unit_types: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    section: str = "basic"
    #: the label on English pages, a platform translation (``label`` is the form's own, in Chinese); it may hold
    #: the same year fields (``{year-1}``); empty: English pages show ``label``
    label_en: str = ""
    #: a hint shown under the field on the page and as its description in the API (``help_en`` on English pages)
    help: str = ""
    help_en: str = ""
    #: English for the texts inside the field, a platform translation, ``{Chinese: English}``: its options'
    #: labels and its table's column labels (the stored values stay the document's); English pages show them
    terms_en: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: a realistic value, as an applicant fills it in and the JSON API takes it (a table: a list of rows);
    #: its strings may hold year fields (``"{year-1}"``, filled for the round: :func:`dated_example`). The demo
    #: instance fills its applications' forms with it and the contract kit checks the field accepts it;
    #: ``None``: the demo picks a yes/no or an option itself and leaves any other field blank
    example: Any = field(default=None, compare=False, hash=False)
    #: a table's columns, its bounds on rows (``max_rows`` None: no ceiling) and a rule across its rows: it
    #: returns the message (中文 / English) when the rows break it, else None; it sees every row as the API
    #: takes them (the web form's rows too) and is checked when the table is complete
    columns: tuple[Column, ...] = ()
    min_rows: int = 0
    max_rows: int | None = None
    #: a table's row as the API documentation names it (``FinanceRow``); empty: made from the code
    row_name: str = ""
    rows_check: Callable[[Sequence[Mapping[str, Any]]], str | None] | None = field(
        default=None, compare=False, hash=False)
    #: more for the API field's description (``{"outline": [...]}``: what an upload should contain)
    api_metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: escape hatch: an unbound WTForms field and its marshmallow twin, both or neither, without ``kind``
    make_field: Callable[[], Any] | None = field(default=None, compare=False)
    make_schema_field: Callable[[], Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        makers = (self.make_field is not None) + (self.make_schema_field is not None)
        if self.kind is None:
            if makers != 2:
                raise ValueError(f"form field {self.code!r}: declare its kind (FieldKind), or give both "
                                 "make_field and make_schema_field")
            return
        self._check_input(f"form field {self.code!r}")
        if bool(self.columns) != (self.kind == FieldKind.TABLE):
            raise ValueError(f"form field {self.code!r}: a table needs columns, and only a table has them")
        if self.kind != FieldKind.TABLE and (self.min_rows or self.max_rows is not None or self.rows_check
                                             or self.row_name):
            raise ValueError(f"form field {self.code!r}: rows apply to a table only")
        if self.max_rows is not None and self.max_rows < max(self.min_rows, 1):
            raise ValueError(f"form field {self.code!r}: max_rows {self.max_rows} below min_rows {self.min_rows}")
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"form field {self.code!r}: two columns share a key")
        problem = self._example_problem()
        if problem:
            raise ValueError(f"form field {self.code!r}: its example {problem}")

    def _example_problem(self) -> str | None:
        """What is wrong with ``example`` against the field's own bounds (a table: its rows and each cell)."""
        if self.kind != FieldKind.TABLE or self.example is None:
            return self.value_problem(self.example)
        rows = self.example
        if not isinstance(rows, (list, tuple)) or not all(isinstance(row, Mapping) for row in rows):
            return "is not a list of rows"
        if len(rows) < self.min_rows or (self.max_rows is not None and len(rows) > self.max_rows):
            return f"has {len(rows)} rows, outside min_rows {self.min_rows} and max_rows {self.max_rows}"
        for number, row in enumerate(rows, 1):
            for column in self.columns:
                problem = column.value_problem(row.get(column.key))
                if problem:
                    return f"row {number}, column {column.key!r}: {problem}"
        return None

    @property
    def declared(self) -> bool:
        """Built by core from the declaration (not the escape hatch's two factories)."""
        return self.kind is not None and self.make_field is None


def with_english_labels(fields: Sequence[FormField], labels: Mapping[str, str],
                        terms: Mapping[str, str] | None = None) -> tuple[FormField, ...]:
    """``fields`` with their English labels (``label_en``) from ``labels``, ``{code: label}``, and the English of
    the texts inside them (``terms_en``: options, table columns) from ``terms``, ``{Chinese: English}``: a plugin
    keeps its translations as tables beside its fields. A code in ``labels`` that names no field raises
    ``KeyError`` (a renamed field would otherwise lose its translation silently); the contract kit
    (``core.testing.contract``) checks that every term is used and every option and column translated."""
    unknown = set(labels) - {f.code for f in fields}
    if unknown:
        raise KeyError(f"English labels for unknown fields: {', '.join(sorted(unknown))}")
    shared = dict(terms or {})
    return tuple(replace(f, label_en=labels.get(f.code, f.label_en), terms_en=shared or f.terms_en) for f in fields)


R = TypeVar("R", bound=CodedRecord)


def with_english_titles(records: Sequence[R], titles: Mapping[str, str]) -> tuple[R, ...]:
    """``records`` (eligibility rules, priorities) with their English titles (``title_en``) from ``titles``,
    ``{code: English}``: a plugin keeps its translations as one table beside its rules; the contract kit
    (``core.testing.contract``) asks for one for every rule and priority the plugin registers."""
    return tuple(replace(r, title_en=titles[r.code]) if r.code in titles else r for r in records)


def with_examples(fields: Sequence[FormField], examples: Mapping[str, Any]) -> tuple[FormField, ...]:
    """``fields`` with their ``example`` values from ``examples``, ``{code: value}``: a plugin keeps its examples
    as one table beside its fields. A code that names no field raises ``KeyError``."""
    unknown = set(examples) - {f.code for f in fields}
    if unknown:
        raise KeyError(f"examples for unknown fields: {', '.join(sorted(unknown))}")
    return tuple(replace(f, example=examples[f.code]) if f.code in examples else f for f in fields)


def dated_example(value: Any, year: int | None) -> Any:
    """A field's ``example`` for a round of ``year``: the year fields of its strings filled (``"{year-3}"`` →
    ``"2023"`` in a 2026 round), in lists and rows too."""
    if isinstance(value, str):
        return year_text(value, year)
    if isinstance(value, Mapping):
        return {k: dated_example(v, year) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [dated_example(v, year) for v in value]
    return value


def field_attr(code: str) -> str:
    """The form/schema attribute of a plugin field: ``hunan.industry`` → ``ext_hunan__industry``."""
    return "ext_" + code.replace(".", "__", 1)
