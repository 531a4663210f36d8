import pytest
from django.core.exceptions import ValidationError

from metrohub.organisations.validators import credit_code_check_character, validate_credit_code

# Published example codes (government bodies' codes are public on their websites).
VALID = ["91350100M000100Y43", "11100000000013127D", "91440300708461136T"]


@pytest.mark.parametrize("code", VALID)
def test_published_codes_validate(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y44", "checksum"),
        ("91350100M0001O0Y43", "alphabet"),  # letter O is not in the alphabet
        ("9135A100M000100Y43", "division"),
    ],
)
def test_bad_codes_are_refused_with_the_reason(code, error_code):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == error_code


def test_lowercase_input_is_accepted_after_normalising():
    validate_credit_code("91350100m000100y43")
