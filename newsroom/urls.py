from django.contrib import admin
from django.urls import include, path, re_path

from articles import views
from articles.api import main as api
from articles.api import problems

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls()),
    re_path(r"^api/v1/", problems.not_found),  # any other path under the API: a problem
    path("", include("articles.urls")),
]
