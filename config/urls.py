from django.contrib import admin
from django.urls import include, path

from api.api import urls as api_urls
from core import views as core_views
from home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("plans/", include("plans.urls")),
    path("progress/", include("progress.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("reports/", include("reports.urls")),
    path("emulation/", include("emulation.urls")),
    path("units/", include("organisation.urls")),
    path("api/v1/", api_urls()),
    path("campaign/", include("campaign.urls")),
    path("admin/", admin.site.urls),
]
