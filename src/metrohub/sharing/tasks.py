"""E-mail about bookings (django.tasks: ids in, call the mail builder)."""

from django.tasks import task


@task
def send_booking_mail(booking_id: int, kind: str, user_ids: list[int]) -> int:
    from metrohub.sharing.mail import booking_mail

    return booking_mail(booking_id, kind, user_ids)
