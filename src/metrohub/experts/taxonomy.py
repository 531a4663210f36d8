"""The shared vocabularies for specialties: industry domains and metrology areas."""

from functools import cache

from metrohub.catalogue.models import Area


@cache
def domains() -> list[tuple[str, str, str]]:
    """(code, Chinese, English) of the industry domains in the Shanghai guideline's list."""
    from metrohub.rulepacks.services import registry

    seen, items = set(), []
    for pack in registry():
        for field in pack.service_fields:
            if field.code not in seen:
                seen.add(field.code)
                items.append((field.code, field.name_zh, field.name_en))
    return items


def domain_codes() -> set[str]:
    return {code for code, _zh, _en in domains()}


def area_codes() -> set[str]:
    return set(Area.values)
