"""E-mail about enquiries (django.tasks: ids in, call the mail builder)."""

from django.tasks import task


@task
def send_enquiry_mail(enquiry_id: int, kind: str, user_ids: list[int]) -> int:
    from metrohub.enquiries.mail import enquiry_mail

    return enquiry_mail(enquiry_id, kind, user_ids)
