from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.accounts.forms import TokenForm
from metrohub.accounts.models import ApiToken, RoleAssignment, SavedView, User
from metrohub.accounts.services import delete_view, issue_token, revoke_token, save_view
from metrohub.core.listing import LISTINGS
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


def _list_url(list_name: str, query: str = "") -> str:
    url = reverse(LISTINGS[list_name].url_name)
    return f"{url}?{query}" if query else url


@login_required
@require_POST
def saved_view_new(request, list_name: str):
    if list_name not in LISTINGS:
        raise Http404
    query = request.POST.get("query", "")
    try:
        view = save_view(
            user=request.user, list_name=list_name, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_list_url(list_name, query if len(query) <= 500 else ""))
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return redirect(_list_url(list_name, view.query))


@login_required
def saved_view_open(request, view_id: int):
    view = get_object_or_404(SavedView, user=request.user, pk=view_id)
    if view.list_name not in LISTINGS:
        raise Http404
    return redirect(_list_url(view.list_name, view.query))


@login_required
@require_POST
def saved_view_delete(request, view_id: int):
    view = get_object_or_404(SavedView, user=request.user, pk=view_id)
    delete_view(user=request.user, view_id=view.pk)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return redirect(_list_url(view.list_name) if view.list_name in LISTINGS else "/")
