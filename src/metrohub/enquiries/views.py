"""Enquiry pages: send from a capability line, a resource or a center's page; read and answer
the thread. Thin over services."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from metrohub.alliances.views import errors_into
from metrohub.catalogue.models import CapabilityLine
from metrohub.centers.scope import public_centers
from metrohub.core.api import Conflict
from metrohub.core.attachments import uploaded
from metrohub.core.bounds import digits
from metrohub.core.errors import form_message
from metrohub.core.permissions import permission_required
from metrohub.enquiries import services
from metrohub.enquiries.api import attachment_response
from metrohub.enquiries.forms import CloseForm, EnquiryForm, QuoteForm, ReplyForm
from metrohub.enquiries.models import Attachment, Enquiry
from metrohub.sharing.scope import public_resources

PER_PAGE = 25


@permission_required("enquiries.view_own")
def enquiry_list(request):
    enquiries = services.enquiries_for(request.user)
    sent = enquiries.filter(sender=request.user)
    received = enquiries.exclude(sender=request.user).filter(
        center__in=services.directed_centers(request.user).values("pk")
    )
    status = request.GET.get("status") or ""
    if status in Enquiry.Status.values:
        sent, received = sent.filter(status=status), received.filter(status=status)
    return render(
        request,
        "enquiries/list.html",
        {
            "sent": Paginator(sent.order_by("-sent_at", "-pk"), PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "received": Paginator(received.order_by("-sent_at", "-pk"), PER_PAGE).get_page(
                request.GET.get("received")
            ),
            "statuses": Enquiry.Status.choices,
            "status": status,
            "answers": services.directed_centers(request.user).exists(),
        },
    )


def _subject_of(request):
    """The center, line and resource the enquiry is about, from ?center=, ?line=, ?resource=."""
    params = request.GET if request.method == "GET" else request.POST
    line = resource = center = None
    if digits(raw := params.get("line", "")):
        line = get_object_or_404(
            CapabilityLine.objects.select_related("center"),
            pk=int(raw),
            status=CapabilityLine.Status.PUBLISHED,
        )
    if digits(raw := params.get("resource", "")):
        resource = get_object_or_404(public_resources(), pk=int(raw))
    if code := params.get("center", "").strip()[:32]:
        center = get_object_or_404(public_centers(), code=code.upper())
    if not (line or resource or center):
        raise Http404
    return center, line, resource


def enquiry_new(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    center, line, resource = _subject_of(request)
    target = center or (line.center if line else resource.center)
    initial = {"quantity": 1}
    if line is not None:
        initial["subject"] = f"{line.measurand} {line.instrument}".strip()[:200]
    elif resource is not None:
        initial["subject"] = resource.name[:200]
    form = EnquiryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = services.send_enquiry(
                actor=request.user,
                center=center,
                capability_line=line,
                resource=resource,
                subject=data["subject"],
                details=data["details"],
                quantity=data["quantity"],
                uncertainty=data["uncertainty"],
                needed_by=data["needed_by"],
                files=uploaded(data["attachments"]),
            )
        except ValidationError as exc:
            errors_into(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your enquiry is sent; the center answers here."))
            return redirect("enquiries:detail", pk=enquiry.pk)
    return render(
        request,
        "enquiries/new.html",
        {"form": form, "center": target, "line": line, "resource": resource},
    )


def enquiry_detail(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    enquiry = services.get_enquiry(request.user, pk)
    for_center = services.answers_for_center(request.user, enquiry)
    thread = list(enquiry.messages.select_related("author").prefetch_related("attachments"))
    return render(
        request,
        "enquiries/detail.html",
        {
            "enquiry": enquiry,
            "thread": thread,
            "for_center": for_center,
            "is_sender": enquiry.sender_id == request.user.pk,
            "reply_form": ReplyForm(),
            "quote_form": QuoteForm(),
            "close_form": CloseForm(),
            "response_time": services.duration_text(enquiry.response_time),
        },
    )


#: What each action of the thread did, as the page says it once done.
DONE = {
    "reply": gettext_lazy("Sent."),
    "quote": gettext_lazy("The quote is sent."),
    "accept": gettext_lazy("The enquiry is accepted."),
    "decline": gettext_lazy("The enquiry is declined."),
    "withdraw": gettext_lazy("The enquiry is withdrawn."),
}


@require_POST
def enquiry_action(request, pk: int, action: str):
    enquiry = services.get_enquiry(request.user, pk)
    forms = {"reply": ReplyForm, "quote": QuoteForm}
    form = forms.get(action, CloseForm)(request.POST, request.FILES)
    if action not in ("reply", "quote", "accept", "decline", "withdraw"):
        raise Http404
    if not form.is_valid():
        messages.error(request, form_message(form))
        return redirect("enquiries:detail", pk=enquiry.pk)
    data, actor = form.cleaned_data, request.user
    try:
        if action == "reply":
            services.reply(
                actor=actor, enquiry=enquiry, text=data["text"], files=uploaded(data["attachments"])
            )
        elif action == "quote":
            services.quote(
                actor=actor,
                enquiry=enquiry,
                amount=data["amount"],
                valid_until=data["valid_until"],
                text=data["text"],
            )
        elif action == "accept":
            services.accept(actor=actor, enquiry=enquiry, text=data["text"])
        elif action == "decline":
            services.decline(actor=actor, enquiry=enquiry, reason=data["text"])
        else:
            services.withdraw(actor=actor, enquiry=enquiry, reason=data["text"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (Conflict, PermissionDenied) as exc:
        messages.error(
            request, str(getattr(exc, "message", exc)) or _("Your role does not allow this.")
        )
    else:
        messages.success(request, str(DONE[action]))
    return redirect("enquiries:detail", pk=enquiry.pk)


def attachment(request, pk: int, attachment_id: int):
    if not request.user.is_authenticated:
        raise Http404
    enquiry = services.get_enquiry(request.user, pk)
    return attachment_response(get_object_or_404(Attachment, pk=attachment_id, enquiry=enquiry))
