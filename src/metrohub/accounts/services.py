"""Personal API tokens."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import ApiToken, SavedView
from metrohub.eventlog.services import append_event

DEFAULT_TOKEN_DAYS = 90
NAME_LENGTH = ApiToken._meta.get_field("name").max_length


def max_token_days() -> int:
    return settings.METROHUB_API_TOKEN_MAX_DAYS


def issue_token(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token; it always expires (`days`, by default the lesser of 90 and the maximum)."""
    name = (name or "").strip()
    longest = max_token_days()
    days = min(DEFAULT_TOKEN_DAYS, longest) if days is None else days
    errors = {}
    if not name:
        errors["name"] = [_("Give the token a name so you can recognise it later.")]
    elif len(name) > NAME_LENGTH:
        errors["name"] = [_("The name is longer than %(max)d characters.") % {"max": NAME_LENGTH}]
    if not 1 <= days <= longest:
        errors["days"] = [_("A token lives between 1 and %(max)d days.") % {"max": longest}]
    if errors:
        raise ValidationError(errors)
    expires = timezone.now() + timedelta(days=days)
    token, raw = ApiToken.issue(user=user, name=name, expires_at=expires)
    append_event(
        subject=f"user:{user.pk}",
        action="token.issued",
        actor=user,
        payload={"token": token.hint, "name": name},
    )
    return token, raw


def revoke_token(*, user, token_id: int) -> ApiToken:
    token = ApiToken.objects.get(user=user, pk=token_id)  # DoesNotExist -> 404 in the view
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        append_event(
            subject=f"user:{user.pk}",
            action="token.revoked",
            actor=user,
            payload={"token": token.hint},
        )
    return token


@transaction.atomic
def save_view(*, user, list_name: str, name: str, query: str) -> SavedView:
    """Keep a list's search under a name of the person's choosing (the same name replaces it)."""
    from metrohub.core.listing import LISTINGS

    if list_name not in LISTINGS:
        raise ValidationError({"list_name": _("No such list.")})
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationError({"name": _("Name: 1 to 60 characters.")})
    if len(query) > 500:
        raise ValidationError({"query": _("The search is too long to keep.")})
    mine = SavedView.objects.select_for_update().filter(user=user, list_name=list_name)
    if not mine.filter(name=name).exists() and mine.count() >= SavedView.LIMIT:
        raise ValidationError(
            {"name": _("At most %(n)d saved views per list.") % {"n": SavedView.LIMIT}}
        )
    view, _created = SavedView.objects.update_or_create(
        user=user, list_name=list_name, name=name, defaults={"query": query}
    )
    return view


def delete_view(*, user, view_id: int) -> None:
    # another person's view is not there for this user: DoesNotExist -> 404 in the view
    SavedView.objects.get(user=user, pk=view_id).delete()
