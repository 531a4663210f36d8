"""What the catalogue contributes to the procedure engine: publishing the committed capabilities
when a pack's transition says so (Hubei art. 15)."""

from metrohub.cases.services.effects import register


@register("publish_capabilities")
def publish_capabilities(ctx):
    # The committed capabilities live in the catalogue, published there by the regulator; the
    # event records that the establishment decision makes them public (Hubei art. 15).
    ctx.extra["capabilities_published"] = True
