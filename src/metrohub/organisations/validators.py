"""Validators for identifiers that Chinese authorities issue."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from metrohub.core.bounds import digits

# GB 32100-2015: the code alphabet leaves out I, O, Z, S and V, so 31 characters remain.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first seventeen."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    bad = [char for char in code if char not in CREDIT_CODE_ALPHABET]
    if bad:
        raise ValidationError(
            _("The character “%(char)s” cannot appear in a unified social credit code."),
            code="alphabet",
            params={"char": bad[0]},
        )
    if not digits(code[2:8]):
        raise ValidationError(
            _(
                "Characters 3 to 8 of a unified social credit code are the division code: digits only."
            ),
            code="division",
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong: a code starting %(head)s ends in %(expected)s."),
            code="checksum",
            params={"head": code[:17], "expected": expected},
        )


def validate_division_code(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 6 and digits(value)):
        raise ValidationError(
            _("An administrative division code is six digits."), code="division_code"
        )
