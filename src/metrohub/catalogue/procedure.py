"""What the catalogue contributes to the procedure engine: publishing the committed capabilities
(承诺的计量测试项目服务能力) with the establishment, where the pack says so (Hubei art. 15)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from metrohub.cases import walk
from metrohub.cases.services.effects import register
from metrohub.catalogue.models import CapabilityLine
from metrohub.catalogue.services import publish_drafts


@register("publish_capabilities")
def publish_capabilities(ctx):
    """The lines the center prepared during construction (imported as drafts) are published with
    the establishment; a center with none cannot be established where the pack requires them."""
    center = ctx.case.center
    rule = ctx.pack.capabilities
    article = rule.article if rule else ctx.transition.article
    lines = (
        CapabilityLine.objects.filter(center=center) if center else CapabilityLine.objects.none()
    )
    if not lines.filter(
        status__in=[CapabilityLine.Status.DRAFT, CapabilityLine.Status.PUBLISHED]
    ).exists():
        raise ValidationError(
            {
                "capabilities": [
                    _(
                        "%(article)s: the center's committed capabilities are published with its "
                        "establishment, and it has none. Import them (as drafts) first."
                    )
                    % {"article": article}
                ]
            }
        )
    on = ctx.on
    published = publish_drafts(actor=None, center=center, on=on)
    ctx.extra["capabilities_published"] = published


@walk.preparer
def prepare_capabilities(case, transition, payload: dict, clk) -> dict:
    """Before a walked establishment that publishes capabilities: the center imports a few
    sample lines as drafts, as a real one does during construction."""
    from metrohub.catalogue.demo import demo_rows
    from metrohub.catalogue.services import import_rows

    center = case.center
    if "publish_capabilities" not in transition.effects or center is None:
        return payload
    if not CapabilityLine.objects.filter(center=center).exists():
        rows = demo_rows(center.code, center.industry_domain)[:6]
        import_rows(actor=None, center=center, rows=list(enumerate(rows, start=2)))
    return payload


def build_demo(world: dict) -> None:
    """Every center the demo procedure established shows its committed capabilities: sample
    lines imported and published where it has none (Hubei's were published with the
    establishment itself)."""
    from metrohub.catalogue.demo import demo_rows
    from metrohub.catalogue.services import import_rows, publish_drafts
    from metrohub.centers.models import Center

    centers = Center.objects.filter(
        status=Center.Status.ESTABLISHED, cases__center_name__startswith="【示例】"
    ).distinct()
    for center in centers:
        if CapabilityLine.objects.filter(
            center=center, status=CapabilityLine.Status.PUBLISHED
        ).exists():
            continue
        if not CapabilityLine.objects.filter(center=center).exists():
            rows = demo_rows(center.code, center.industry_domain)[:8]
            import_rows(actor=None, center=center, rows=list(enumerate(rows, start=2)))
        publish_drafts(actor=None, center=center, on=center.established_on)
