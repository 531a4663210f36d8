"""E-mail to the actors of a case (django.tasks: ids in, call the mail builder)."""

from django.tasks import task


@task
def send_case_mail(case_id: int, event_id: int, user_ids: list[int]) -> int:
    from metrohub.cases.mail import transition_mail

    return transition_mail(case_id, event_id, user_ids)


@task
def issue_decision_document(decision_id: int) -> str:
    from metrohub.cases.models import Decision
    from metrohub.cases.services.documents import issue_decision_document as issue

    return issue(Decision.objects.get(pk=decision_id)).document_sha256


@task
def send_objection_mail(objection_id: int, user_ids: list[int]) -> int:
    from metrohub.cases.mail import objection_mail

    return objection_mail(objection_id, user_ids)


@task
def send_obligation_mail(obligation_id: int, kind: str, user_ids: list[int]) -> int:
    from metrohub.cases.mail import obligation_mail

    return obligation_mail(obligation_id, kind, user_ids)
