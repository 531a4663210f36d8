from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from metrohub.core.permissions import permission_required
from metrohub.experts.forms import ProfileForm
from metrohub.experts.models import ExpertProfile
from metrohub.experts.services import update_profile


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
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return redirect("experts:me")
    return render(request, "experts/profile.html", {"profile": profile, "form": form})


@permission_required("experts.view_registry")
def registry(request):
    profiles = ExpertProfile.objects.select_related(
        "user", "organisation", "region"
    ).prefetch_related("declared_conflicts")
    return render(request, "experts/registry.html", {"profiles": profiles})
