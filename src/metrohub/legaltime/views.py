from django.shortcuts import render
from django.utils.translation import get_language

from metrohub.core.ratelimit import rate_limited
from metrohub.legaltime.forms import DeadlineForm
from metrohub.legaltime.models import CalendarYear
from metrohub.legaltime.services import compute_deadline


@rate_limited("calculator")
def deadline_page(request):
    """计算期限: a public calculator over the same service as the API and the command."""
    data = request.GET.copy() if request.GET else None
    if data is not None and "option" not in data:
        data["option"] = "extend_holiday"  # the default the page offers (Civil Code art. 203)
    form = DeadlineForm(data)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = compute_deadline(
                start=data["start"],
                count=data["count"],
                unit=data["unit"],
                extend_holiday=data["option"] == "extend_holiday",
                next_working_day=data["option"] == "next_working_day",
            )
        except ValueError as exc:
            form.add_error("count", str(exc))
    years = CalendarYear.objects.all()
    return render(
        request,
        "legaltime/deadline.html",
        {
            "form": form,
            "result": result,
            "explanation": result.explanation("en" if get_language() == "en" else "zh")
            if result
            else [],
            "first_year": years.filter(known=True).first(),
            "last_year": years.filter(known=True).last(),
        },
    )
