from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("k/<slug:slug>/beretning/", views.annual_report_index, name="annual_report_index"),
    path("k/<slug:slug>/beretning/<int:year>/", views.annual_report, name="annual_report"),
    path(
        "k/<slug:slug>/beretning/<int:year>/udkast/", views.annual_report_create, name="annual_report_create"
    ),
    path(
        "k/<slug:slug>/beretning/<int:year>/nyt-udkast/",
        views.annual_report_regenerate,
        name="annual_report_regenerate",
    ),
    path(
        "k/<slug:slug>/beretning/<int:year>/forhaandsvisning/",
        views.annual_report_preview,
        name="annual_report_preview",
    ),
    path(
        "k/<slug:slug>/beretning/<int:year>/formandsberetning.<str:fmt>",
        views.annual_report_export,
        name="annual_report_export",
    ),
    path("k/<slug:slug>/aktivitet/<int:year>/", views.activity_report, name="activity_report"),
    path("k/<slug:slug>/aktivitet/<int:year>/aktivitet.csv", views.activity_csv, name="activity_csv"),
    path(
        "k/<slug:slug>/aktivitet/<int:year>/deltagerlister.pdf",
        views.attendance_lists,
        name="attendance_lists",
    ),
]
