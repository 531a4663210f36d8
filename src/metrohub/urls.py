from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from metrohub.accounts.api import router as accounts_router
from metrohub.alliances.api import router as alliances_router
from metrohub.annualreports.api import router as annualreports_router
from metrohub.annualtasks.api import router as annualtasks_router
from metrohub.cases.api import router as cases_router
from metrohub.catalogue.api import router as catalogue_router
from metrohub.centers.api import router as centers_router
from metrohub.certificates.api import router as certificates_router
from metrohub.certificates.views_public import verify as verify_view
from metrohub.core import views as core_views
from metrohub.core.api import api
from metrohub.dashboards.api import router as dashboards_router
from metrohub.enquiries.api import router as enquiries_router
from metrohub.experts.api import router as experts_router
from metrohub.guides.api import router as guides_router
from metrohub.inspections.api import router as inspections_router
from metrohub.instruments.api import router as instruments_router
from metrohub.instruments.views import public_site
from metrohub.legaltime.api import router as legaltime_router
from metrohub.organisations.api import router as organisations_router
from metrohub.panels.api import router as panels_router
from metrohub.rulepacks.api import router as rulepacks_router
from metrohub.search.api import router as search_router
from metrohub.sharing.api import router as sharing_router
from metrohub.standards.api import router as standards_router
from metrohub.statuses.api import router as statuses_router
from metrohub.traceability.api import router as traceability_router
from metrohub.uncertainty.api import router as uncertainty_router

api.add_router("/", accounts_router)
api.add_router("/", experts_router)
api.add_router("/", organisations_router)
api.add_router("/", legaltime_router)
api.add_router("/", rulepacks_router)
api.add_router("/uncertainty", uncertainty_router)
api.add_router("/", centers_router)
api.add_router("/", statuses_router)
api.add_router("/", catalogue_router)
api.add_router("/", cases_router)
api.add_router("/", panels_router)
api.add_router("/", guides_router)
api.add_router("/", search_router)
api.add_router("/", alliances_router)
api.add_router("/", sharing_router)
api.add_router("/", enquiries_router)
api.add_router("/", standards_router)
api.add_router("/", certificates_router)
api.add_router("/", annualreports_router)
api.add_router("/", dashboards_router)
api.add_router("/", traceability_router)
api.add_router("/", instruments_router)
api.add_router("/", annualtasks_router)
api.add_router("/", inspections_router)

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER

api_patterns, api_app, api_namespace = api.urls
# The API's verification (a scanning app's call) was the 130th of 161 API patterns, after every
# app's prefix: resolving it cost more than the whole check. Its pattern is tried first as well,
# unnamed (reverse() still finds it under "api:verify").
_api_verify = next(p for p in api_patterns if str(p.pattern) == "verify/<token>")

urlpatterns = [
    # first: the busiest public page (a QR scan) resolves without trying every app's patterns
    path("verify/<str:token>", verify_view, name="verify"),
    path("api/v1/verify/<str:token>", _api_verify.callback),
    path("", include("metrohub.core.urls")),
    path("accounts/", include("metrohub.accounts.urls")),
    path("experts/", include("metrohub.experts.urls")),
    path("organisations/", include("metrohub.organisations.urls")),
    path("events/", include("metrohub.eventlog.urls")),
    path("deadline/", include("metrohub.legaltime.urls")),
    path("rulepacks/", include("metrohub.rulepacks.urls")),
    path("uncertainty/", include("metrohub.uncertainty.urls")),
    path("centers/", include("metrohub.centers.urls")),
    path("catalogue/", include("metrohub.catalogue.urls")),
    path("cases/", include("metrohub.cases.urls")),
    path("panels/", include("metrohub.panels.urls")),
    path("alliances/", include("metrohub.alliances.urls")),
    path("sharing/", include("metrohub.sharing.urls")),
    path("enquiries/", include("metrohub.enquiries.urls")),
    path("standards/", include("metrohub.standards.urls")),
    path("certificates/", include("metrohub.certificates.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", (api_patterns, api_app, api_namespace)),
    path("healthz", core_views.healthz, name="healthz"),
    path("guides/", include("metrohub.guides.urls")),
    path("search/", include("metrohub.search.urls")),
    path("annual-reports/", include("metrohub.annualreports.urls")),
    path("", include("metrohub.dashboards.urls")),
    path("traceability/", include("metrohub.traceability.urls")),
    path("instruments/", include("metrohub.instruments.urls")),
    path("annual-tasks/", include("metrohub.annualtasks.urls")),
    path("public/sites/<str:token>", public_site, name="public_site"),
    path("inspections/", include("metrohub.inspections.urls")),
    path("calendars/", include("metrohub.calendars.urls")),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "core/favicon.svg")),
]
