"""Demo: each demo center's status history starts with the status the registry gives it."""

from metrohub.statuses.services import backfill


def build(world: dict) -> None:
    backfill()
