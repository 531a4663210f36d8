"""The e-mails of enquiries, in Chinese (the platform's first language)."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from metrohub.alliances.mail import send_to
from metrohub.enquiries.models import Enquiry


def enquiry_mail(enquiry_id: int, kind: str, user_ids) -> int:
    enquiry = Enquiry.objects.select_related("center").get(pk=enquiry_id)
    with translation.override("zh-hans"):
        values = {"id": enquiry.pk, "subject": enquiry.subject, "center": enquiry.center.name}
        subjects = {
            "sent": _("[Metrohub] New enquiry #%(id)d: %(subject)s"),
            "reply_sender": _("[Metrohub] Enquiry #%(id)d: the sender wrote"),
            "reply_center": _("[Metrohub] Enquiry #%(id)d: %(center)s answered"),
            "quoted": _("[Metrohub] Enquiry #%(id)d: %(center)s sent a quote"),
            "accepted": _("[Metrohub] Enquiry #%(id)d: %(center)s accepted"),
            "declined": _("[Metrohub] Enquiry #%(id)d: %(center)s declined"),
            "withdrawn": _("[Metrohub] Enquiry #%(id)d withdrawn"),
        }
        body = _("Enquiry #%(id)d to %(center)s: %(subject)s") % values
        body += "\n" + reverse("enquiries:detail", args=[enquiry.pk])
        return send_to(user_ids, subjects[kind] % values, body)
