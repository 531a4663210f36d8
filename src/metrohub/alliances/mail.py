"""The e-mails of alliances, in Chinese (the platform's first language)."""

from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from metrohub.accounts.models import User
from metrohub.alliances.services import activity_duty
from metrohub.centers.models import Center


def send_to(user_ids, subject: str, body: str) -> int:
    emails = (
        User.objects.filter(pk__in=list(user_ids), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sum(send_mail(subject, body, None, [email]) for email in emails)


def duty_mail(center_id: int, year: int, kind: str, user_ids) -> int:
    center = Center.objects.get(pk=center_id)
    duty = activity_duty(center=center, year=year)
    if duty is None:
        return 0
    with translation.override("zh-hans"):
        values = {
            "center": center.name,
            "year": year,
            "name": duty.name_zh,
            "count": duty.count,
            "required": duty.required,
            "article": duty.article,
        }
        if kind == "late":
            subject = _("[Metrohub] Late: %(name)s of %(year)d (%(center)s)") % values
        else:
            subject = _("[Metrohub] Reminder: %(name)s of %(year)d (%(center)s)") % values
        body = (
            _(
                "%(center)s recorded %(count)d of the %(required)d activities required in "
                "%(year)d (%(article)s)."
            )
            % values
        )
        body += "\n" + reverse("alliances:center", args=[center.code])
    return send_to(user_ids, subject, body)
