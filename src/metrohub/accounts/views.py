from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.accounts.forms import TokenForm
from metrohub.accounts.models import ApiToken, RoleAssignment, User
from metrohub.accounts.services import issue_token, revoke_token
from metrohub.core.permissions import permission_required
from metrohub.organisations.scope import visible_jurisdiction_ids


@login_required
def profile(request):
    return render(request, "accounts/profile.html")


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = issue_token(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    get_object_or_404(ApiToken, user=request.user, pk=token_id)
    revoke_token(user=request.user, token_id=token_id)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@permission_required("accounts.view_people")
def people(request):
    ids = visible_jurisdiction_ids(request.user)
    roles = RoleAssignment.objects.select_related("organisation", "jurisdiction")
    users = User.objects.filter(is_active=True)
    if ids is not None:
        roles = roles.filter(jurisdiction_id__in=ids)
        users = users.filter(roles__jurisdiction_id__in=ids)
    users = (
        users.distinct()
        .order_by("username")
        .prefetch_related(Prefetch("roles", queryset=roles, to_attr="scoped_roles"))
    )
    return render(request, "accounts/people.html", {"people": users})
