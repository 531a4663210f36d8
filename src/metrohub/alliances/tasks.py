"""E-mail about the yearly activity duty (django.tasks: ids in, call the mail builder)."""

from django.tasks import task


@task
def send_duty_mail(center_id: int, year: int, kind: str, user_ids: list[int]) -> int:
    from metrohub.alliances.mail import duty_mail

    return duty_mail(center_id, year, kind, user_ids)
