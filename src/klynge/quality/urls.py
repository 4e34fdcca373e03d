from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("k/<slug:slug>/data/", views.own_data, name="own_data"),
    path("k/<slug:slug>/data/indikator/<int:indicator_id>/", views.indicator_detail, name="indicator_detail"),
    path(
        "k/<slug:slug>/data/indikator/<int:indicator_id>/eksport.<str:fmt>",
        views.indicator_export,
        name="indicator_export",
    ),
    path(
        "k/<slug:slug>/data/indikator/<int:indicator_id>/graf/<str:name>.<str:fmt>",
        views.indicator_chart,
        name="indicator_chart",
    ),
    path("k/<slug:slug>/data/indikator/<int:indicator_id>/indtast/", views.entry, name="entry"),
    path("k/<slug:slug>/data/indikatorer/ny/", views.indicator_create, name="indicator_create"),
    path("k/<slug:slug>/data/import/", views.upload, name="upload"),
    path("k/<slug:slug>/data/aabne-data/", views.open_data, name="open_data"),
    path(
        "k/<slug:slug>/data/projekt/<int:project_id>/",
        views.project_before_after,
        name="project_before_after",
    ),
]
