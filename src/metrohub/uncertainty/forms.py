"""The calculator's form: a measurement model and its inputs, row by row, turned into the same
budget document the JSON box takes (docs/uncertainty.md), so nobody has to write JSON."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

MAX_INPUTS = 200
MAX_OBSERVATIONS = 1000  # on the form; more go through the JSON or the API
DEFAULT_TRIALS = 200_000

KINDS = [
    ("standard", _("normal: standard uncertainty u")),
    ("expanded", _("normal: expanded uncertainty U with k")),
    ("rectangular", _("rectangular: half-width a")),
    ("triangular", _("triangular: half-width a")),
    ("arcsine", _("arcsine (U-shaped): half-width a")),
    ("observations", _("repeated observations (Type A)")),
    ("constant", _("exact value, no uncertainty")),
]
HALF_WIDTH_KINDS = {"rectangular", "triangular", "arcsine"}
SYMBOL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")


def _symbol_field(label):
    return forms.CharField(
        label=label,
        max_length=32,
        validators=[
            RegexValidator(
                SYMBOL, _("A symbol is a letter followed by letters, digits or _ (e.g. dT_cal).")
            )
        ],
    )


class ModelForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    symbol = _symbol_field(_("Measurand symbol"))
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    model = forms.CharField(
        label=_("Model equation"),
        max_length=2000,
        help_text=_("The measurand as a function of the inputs, e.g. T + dT_cal + dT_res."),
    )
    k = forms.DecimalField(
        label=_("Coverage factor k"), min_value=1, max_value=10, initial=2, decimal_places=3
    )
    trials = forms.IntegerField(
        label=_("Monte Carlo trials"),
        min_value=10_000,
        max_value=2_000_000,
        initial=DEFAULT_TRIALS,
    )


class InputForm(forms.Form):
    symbol = _symbol_field(_("Input"))
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    kind = forms.ChoiceField(label=_("Distribution"), choices=KINDS, initial="standard")
    value = forms.FloatField(label=_("Value"), required=False)
    uncertainty = forms.FloatField(
        label=_("Uncertainty or half-width"), required=False, min_value=0
    )
    k = forms.FloatField(label="k", required=False, min_value=0.5, max_value=10)
    dof = forms.FloatField(label=_("Degrees of freedom"), required=False, min_value=1)
    observations = forms.CharField(
        label=_("Observations"),
        required=False,
        max_length=30_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by spaces, commas or new lines."),
    )

    def clean_observations(self) -> list[float]:
        text = self.cleaned_data.get("observations") or ""
        parts = [p for p in re.split(r"[\s,，;；]+", text) if p]
        if len(parts) > MAX_OBSERVATIONS:
            raise forms.ValidationError(
                _("At most %(n)d observations on the form; use the JSON box for more."),
                params={"n": MAX_OBSERVATIONS},
            )
        values = []
        for part in parts:
            try:
                values.append(float(part))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a number."), params={"value": part[:20]}
                ) from None
        return values

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "observations":
            if len(data.get("observations") or []) < 2:
                self.add_error("observations", _("Give at least two observations."))
            return data
        if data.get("value") is None:
            self.add_error("value", _("Give the input's value."))
        if kind in ("standard", "expanded", *HALF_WIDTH_KINDS) and not data.get("uncertainty"):
            self.add_error("uncertainty", _("Give an uncertainty or half-width above zero."))
        if kind == "expanded" and not data.get("k"):
            self.add_error("k", _("Give the coverage factor k of U."))
        return data


class BaseInputFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        symbols = [
            f.cleaned_data["symbol"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if not symbols:
            raise forms.ValidationError(_("Give at least one input."))
        repeated = sorted({s for s in symbols if symbols.count(s) > 1})
        if repeated:
            raise forms.ValidationError(
                _("Each input needs its own symbol: %(symbols)s is used twice."),
                params={"symbols": ", ".join(repeated)},
            )


InputFormSet = forms.formset_factory(
    InputForm,
    formset=BaseInputFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_INPUTS,
    absolute_max=MAX_INPUTS,
    validate_max=True,
    can_delete=True,
)


def budget_from_forms(model: ModelForm, inputs: InputFormSet) -> dict[str, Any]:
    """The budget document of valid forms (rows marked for removal left out)."""
    m = model.cleaned_data
    document: dict[str, Any] = {}
    if m.get("title"):
        document["title"] = m["title"]
    document["measurands"] = [
        {"symbol": m["symbol"], "model": m["model"], **({"unit": m["unit"]} if m["unit"] else {})}
    ]
    document["inputs"] = [
        _input(form.cleaned_data)
        for form in inputs.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    document["coverage"] = {"k": float(m["k"])}
    document["mcm"] = {"trials": m["trials"]}
    return document


def _input(row: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"symbol": row["symbol"]}
    if row.get("unit"):
        out["unit"] = row["unit"]
    kind = row["kind"]
    if kind == "observations":
        out["observations"] = row["observations"]
        return out
    out["value"] = row["value"]
    if kind == "standard":
        out["uncertainty"] = {"standard": row["uncertainty"]}
        if row.get("dof"):
            out["uncertainty"]["dof"] = row["dof"]
    elif kind == "expanded":
        out["uncertainty"] = {
            "distribution": "normal",
            "expanded": row["uncertainty"],
            "k": row["k"],
        }
    elif kind in HALF_WIDTH_KINDS:
        out["uncertainty"] = {"distribution": kind, "half_width": row["uncertainty"]}
    return out


def initial_from_budget(document: Any) -> tuple[dict, list[dict]] | None:
    """The form's initial data for a budget it can show (one measurand; inputs of the kinds the
    form has); None for anything richer, which stays in the JSON box."""
    try:
        (measurand,) = document["measurands"]
        model = {
            "title": document.get("title", ""),
            "symbol": measurand["symbol"],
            "unit": measurand.get("unit", ""),
            "model": measurand["model"],
            "k": (document.get("coverage") or {}).get("k", 2),
            "trials": min((document.get("mcm") or {}).get("trials", DEFAULT_TRIALS), 2_000_000),
        }
        rows = [_row(item) for item in document["inputs"]]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if None in rows or document.get("correlations"):
        return None
    return model, rows


def _row(item: dict) -> dict | None:
    row = {"symbol": item["symbol"], "unit": item.get("unit", "")}
    if "observations" in item:
        return {
            **row,
            "kind": "observations",
            "observations": " ".join(map(str, item["observations"])),
        }
    row["value"] = item["value"]
    u = item.get("uncertainty")
    if not u:
        return {**row, "kind": "constant"}
    distribution = u.get("distribution", "normal")
    if "standard" in u:
        return {**row, "kind": "standard", "uncertainty": u["standard"], "dof": u.get("dof")}
    if "expanded" in u and "k" in u and distribution == "normal":
        return {**row, "kind": "expanded", "uncertainty": u["expanded"], "k": u["k"]}
    if "half_width" in u and distribution in HALF_WIDTH_KINDS:
        return {**row, "kind": distribution, "uncertainty": u["half_width"]}
    return None
