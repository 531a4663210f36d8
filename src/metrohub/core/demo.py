"""The demo world: each app contributes a builder, run in this order."""

from django.db import transaction
from django.utils.module_loading import import_string

BUILDERS = [
    "metrohub.organisations.demo.build",
    "metrohub.accounts.demo.build",
    "metrohub.centers.demo.build",
    "metrohub.statuses.demo.build",
    "metrohub.catalogue.demo.build",
    "metrohub.experts.demo.build",
    "metrohub.cases.demo.build",
    "metrohub.panels.demo.build",
    "metrohub.cases.history.build",
    "metrohub.catalogue.procedure.build_demo",
    "metrohub.guides.demo.build",
    "metrohub.alliances.demo.build",
    "metrohub.sharing.demo.build",
    "metrohub.enquiries.demo.build",
    "metrohub.standards.demo.build",
    "metrohub.certificates.demo.build",
    "metrohub.traceability.demo.build",
    "metrohub.instruments.demo.build",
]


def build_demo() -> dict:
    world: dict = {}
    with transaction.atomic():
        for dotted in BUILDERS:
            import_string(dotted)(world)
    return world
