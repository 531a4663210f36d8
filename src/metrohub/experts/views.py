from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from metrohub.core.errors import SHOWN_ON_PAGE, into_form
from metrohub.core.permissions import permission_required
from metrohub.experts import services
from metrohub.experts.forms import ConflictForm, EmploymentForm, ProfileForm
from metrohub.experts.models import ExpertProfile
from metrohub.experts.services import update_profile

# What the page says after each action succeeds: the page is shown again as it was, so without a
# word the expert cannot tell a saved profile from an unsent one.
DONE = {
    "profile": _("Your expert profile has been saved."),
    "employment": _("The employment has been added to your history."),
    "conflict": _("The conflict of interest has been declared."),
    "remove_employment": _("The employment has been removed from your history."),
    "withdraw_conflict": _("The declared conflict of interest has been withdrawn."),
}


@permission_required("experts.edit_own_profile")
def my_profile(request):
    profile = (
        ExpertProfile.objects.filter(user=request.user)
        .select_related("organisation", "region")
        .first()
    )
    if profile is None:
        raise Http404
    initial = {
        "title": profile.title,
        "domains": profile.domains,
        "areas": profile.areas,
        "available": profile.available,
    }
    action = request.POST.get("action", "profile") if request.method == "POST" else ""
    data = request.POST if action == "profile" else None
    form = ProfileForm(data, initial=initial)
    employment = EmploymentForm(request.POST if action == "employment" else None, prefix="job")
    conflict = ConflictForm(request.POST if action == "conflict" else None, prefix="conflict")
    if action in ("employment", "conflict", "remove_employment", "withdraw_conflict"):
        done = _history(request, profile, action, employment, conflict)
        if done:
            messages.success(request, DONE[action])
            return redirect("experts:me")
    if action == "profile" and form.is_valid():
        try:
            update_profile(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, DONE[action])
            return redirect("experts:me")
    return render(
        request,
        "experts/profile.html",
        {
            "profile": profile,
            "form": form,
            "employment_form": employment,
            "conflict_form": conflict,
            "employments": profile.employments.select_related("organisation"),
            "conflicts": profile.declared_conflicts.select_related("organisation"),
        },
    )


def _history(request, profile, action, employment, conflict) -> bool:
    """The expert's employment history and declared conflicts (the draw reads both)."""
    try:
        if action == "employment" and employment.is_valid():
            services.add_employment(actor=request.user, profile=profile, **employment.cleaned_data)
            return True
        if action == "conflict" and conflict.is_valid():
            services.declare_conflict(actor=request.user, profile=profile, **conflict.cleaned_data)
            return True
        if action == "remove_employment":
            item = profile.employments.filter(pk=_int(request.POST.get("id"))).first()
            if item is None:
                raise Http404
            services.remove_employment(actor=request.user, profile=profile, employment=item)
            return True
        if action == "withdraw_conflict":
            item = profile.declared_conflicts.filter(pk=_int(request.POST.get("id"))).first()
            if item is None:
                raise Http404
            services.withdraw_conflict(actor=request.user, profile=profile, conflict=item)
            return True
    except SHOWN_ON_PAGE as exc:
        into_form(employment if action == "employment" else conflict, exc)
    return False


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@permission_required("experts.view_registry")
def registry(request):
    profiles = ExpertProfile.objects.select_related(
        "user", "organisation", "region"
    ).prefetch_related("declared_conflicts")
    return render(request, "experts/registry.html", {"profiles": profiles})
