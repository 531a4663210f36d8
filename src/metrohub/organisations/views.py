from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from metrohub.core.permissions import permission_required
from metrohub.eventlog.services import history
from metrohub.organisations.forms import OrganisationForm
from metrohub.organisations.scope import jurisdictions_for, organisations_for
from metrohub.organisations.services import register_organisation


@login_required
def organisation_list(request):
    page = Paginator(organisations_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "organisations/list.html", {"page": page})


@login_required
def organisation_detail(request, org_id: int):
    organisation = get_object_or_404(organisations_for(request.user), pk=org_id)
    return render(
        request,
        "organisations/detail.html",
        {"organisation": organisation, "events": history(f"organisation:{organisation.pk}")},
    )


@permission_required("organisations.register")
def organisation_create(request):
    jurisdictions = jurisdictions_for(request.user)
    form = OrganisationForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = register_organisation(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return redirect("organisations:detail", org_id=organisation.pk)
    return render(request, "organisations/form.html", {"form": form})
