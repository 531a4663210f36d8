"""The e-mails of the procedure, in Chinese (the platform's first language)."""

from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from metrohub.accounts.models import User
from metrohub.cases.models import Case, Objection, Obligation
from metrohub.eventlog.models import Event


def _send(subject: str, body: str, user_ids) -> int:
    emails = list(
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not emails:
        return 0
    sent = 0
    for email in emails:
        sent += send_mail(subject, body, None, [email])
    return sent


def transition_mail(case_id: int, event_id: int, user_ids) -> int:
    case = Case.objects.get(pk=case_id)
    event = Event.objects.get(pk=event_id)
    pack = case.pack
    with translation.override("zh-hans"):
        t = pack.transition(event.payload["transition"])
        stage = pack.stage(case.state)
        subject = _("[Metrohub] Case #%(id)d %(name)s: %(stage)s") % {
            "id": case.pk,
            "name": case.center_name,
            "stage": stage.name_zh,
        }
        lines = [
            _("%(actor)s took the step “%(step)s” (%(article)s).")
            % {"actor": event.actor_label, "step": t.name_zh, "article": t.article},
            _("The case is now at the stage: %(stage)s.") % {"stage": stage.name_zh},
        ]
        defects = event.payload.get("records", {}).get("defects") or []
        if defects:
            lines.append(_("Items to supplement:"))
            lines += [f"{i}. {item}" for i, item in enumerate(defects, start=1)]
        for opened in event.payload.get("opened", []):
            d = pack.deadline(opened["code"])
            lines.append(
                _("New deadline: %(name)s, due %(due)s.")
                % {"name": d.name_zh, "due": opened["due"]}
            )
        nxt = [x.name_zh for x in pack.transitions_from(case.state)]
        if nxt:
            lines.append(_("Next steps: %(steps)s") % {"steps": "、".join(nxt)})
        lines.append(reverse("cases:detail", args=[case.pk]))
    return _send(subject, "\n".join(lines), user_ids)


def objection_mail(objection_id: int, user_ids) -> int:
    objection = Objection.objects.select_related("case").get(pk=objection_id)
    case = objection.case
    with translation.override("zh-hans"):
        subject = _("[Metrohub] Objection to case #%(id)d %(name)s") % {
            "id": case.pk,
            "name": case.center_name,
        }
        body = (
            _("An objection was filed during the public notice; answer it before deciding.")
            + "\n"
            + reverse("cases:detail", args=[case.pk])
        )
    return _send(subject, body, user_ids)


def obligation_mail(obligation_id: int, kind: str, user_ids) -> int:
    ob = Obligation.objects.select_related("case", "deadline").get(pk=obligation_id)
    case = ob.case
    name = case.pack.deadline(ob.code).name_zh
    with translation.override("zh-hans"):
        if kind == "overdue":
            subject = _("[Metrohub] Overdue: %(name)s (case #%(id)d)") % {
                "name": name,
                "id": case.pk,
            }
        else:
            subject = _("[Metrohub] Reminder: %(name)s due %(due)s (case #%(id)d)") % {
                "name": name,
                "due": ob.deadline.due.isoformat(),
                "id": case.pk,
            }
        body = _("%(name)s of %(center)s is due on %(due)s (%(article)s).") % {
            "name": name,
            "center": case.center_name,
            "due": ob.deadline.due.isoformat(),
            "article": ob.article,
        }
        body += "\n" + reverse("cases:detail", args=[case.pk])
    return _send(subject, body, user_ids)
