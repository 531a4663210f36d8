"""Service guide pages: the list, a guide in full, its short version and PDF, and the common
questions the programme regulator maintains."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.core.permissions import permission_required
from metrohub.guides import services
from metrohub.guides.forms import QuestionForm
from metrohub.guides.models import GuideQuestion


def _pack(ref: str):
    try:
        return services.guide_pack(ref)
    except KeyError:
        raise Http404 from None


def _crumbs(*items) -> list[tuple[str, str]]:
    return [
        (_("Home"), reverse("core:home")),
        (_("Service guides"), reverse("guides:list")),
        *items,
    ]


def guide_list(request):
    guides = services.summaries(lang=get_language() or "zh-hans")
    return render(
        request,
        "guides/list.html",
        {"guides": guides, "breadcrumbs": _crumbs()[:-1] + [(_("Service guides"), "")]},
    )


def _guide(request, ref: str, lang: str | None = None) -> tuple:
    pack = _pack(ref)
    guide = services.build_guide(pack, lang=lang or get_language() or "zh-hans")
    return pack, guide


def guide_detail(request, ref: str):
    pack, guide = _guide(request, ref)
    labels = {
        "main": _("Main path"),
        "side": _("Other step"),
        "end": _("End"),
        "steady": _("Result"),
    }
    return render(
        request,
        "guides/detail.html",
        {
            "guide": guide,
            "pack": pack,
            "chart": guide["flow"].chart_data(labels),
            "can_edit": request.user.is_authenticated and services.may_edit(request.user, pack),
            "breadcrumbs": _crumbs((guide["overview"]["name"], "")),
        },
    )


def guide_short(request, ref: str):
    pack, guide = _guide(request, ref)
    return render(
        request,
        "guides/short.html",
        {
            "guide": guide,
            "breadcrumbs": _crumbs(
                (guide["overview"]["name"], reverse("guides:detail", args=[guide["code"]])),
                (_("Short version"), ""),
            ),
        },
    )


def guide_pdf(request, ref: str):
    """The full guide as a Chinese PDF (WeasyPrint, Noto CJK), the diagram drawn as SVG."""
    from weasyprint import HTML  # slow to import; only this view needs it

    pack = _pack(ref)
    with translation.override("zh-hans"):
        guide = services.build_guide(pack, lang="zh-hans")
        html = render_to_string(
            "guides/pdf.html",
            {
                "guide": guide,
                "svg": services.flow_module.svg(guide["flow"]),
                "generated_at": timezone.localtime(),
            },
        )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"service-guide-{guide['ref']}.pdf"
    )
    return response


def _editable_pack(request, ref: str):
    pack = _pack(ref)
    if not services.may_edit(request.user, pack):
        raise Http404  # another jurisdiction's programme: outside the regulator's scope
    return pack


@permission_required("guides.edit_questions")
def questions(request, ref: str):
    pack = _editable_pack(request, ref)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(actor=request.user, pack=pack, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The question was added to the guide."))
            return redirect("guides:questions", ref=pack.code)
    guide_name = services.build_guide(pack, lang=get_language() or "zh-hans")["overview"]["name"]
    return render(
        request,
        "guides/questions.html",
        {
            "pack": pack,
            "form": form,
            "items": GuideQuestion.objects.filter(programme=pack.code),
            "breadcrumbs": _crumbs(
                (guide_name, reverse("guides:detail", args=[pack.code])),
                (_("Common questions"), ""),
            ),
        },
        status=422 if request.method == "POST" else 200,
    )


@permission_required("guides.edit_questions")
def question_edit(request, ref: str, pk: int):
    pack = _editable_pack(request, ref)
    item = get_object_or_404(GuideQuestion, pk=pk, programme=pack.code)
    form = QuestionForm(
        request.POST or None, initial={"question": item.question, "answer": item.answer}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(actor=request.user, pack=pack, item=item, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("guides:questions", ref=pack.code)
    return render(
        request,
        "guides/question.html",
        {
            "pack": pack,
            "item": item,
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Common questions"), reverse("guides:questions", args=[pack.code])),
                (item.question, ""),
            ),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@permission_required("guides.edit_questions")
def question_delete(request, ref: str, pk: int):
    pack = _editable_pack(request, ref)
    item = get_object_or_404(GuideQuestion, pk=pk, programme=pack.code)
    services.delete_question(actor=request.user, pack=pack, item=item)
    messages.success(request, _("The question was removed from the guide."))
    return redirect("guides:questions", ref=pack.code)
