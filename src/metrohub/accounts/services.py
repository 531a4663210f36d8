"""Personal API tokens."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import ApiToken
from metrohub.eventlog.services import append_event

MAX_TOKEN_DAYS = 366


def issue_token(*, user, name: str, days: int | None) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the token a name so you can recognise it later.")]
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = [_("A token lives between 1 and %(max)d days.") % {"max": MAX_TOKEN_DAYS}]
    if errors:
        raise ValidationError(errors)
    expires = timezone.now() + timedelta(days=days) if days else None
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
