"""The event log's daily job: a signed checkpoint of every chain's head."""

import datetime as dt

from metrohub.jobs.registry import daily_job


@daily_job("eventlog-checkpoint", at=dt.time(2, 0), description="signed checkpoint of chain heads")
def checkpoint():
    from metrohub.eventlog.checkpoints import write_checkpoint

    written = write_checkpoint()
    return f"{written.chains} chains, {written.events} events"
