"""Form field classes shared by every module's WTForms forms."""
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice as choice  # noqa: F401  (WTForms 3.3: no (value, label) tuples)
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
