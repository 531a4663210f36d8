from django.urls import path

from metrohub.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("new/", views.case_new, name="new"),
    path("open/<str:code>/", views.case_open, name="open"),
    path("export.xlsx", views.cases_export, name="export"),
    path("obligations/", views.obligation_list, name="obligations"),
    path("obligations/export.xlsx", views.obligations_export, name="obligations_export"),
    path("notices/", views.notice_list, name="notices"),
    path("inspections/", views.inspection_coverage, name="inspections"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/<str:answer>/", views.answer_invitation, name="answer_invitation"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/notice.pdf", views.notice_document, name="notice_document"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/materials/", views.material_upload, name="upload"),
    path("<int:pk>/materials/<int:material_id>/", views.material_download, name="download"),
    path("<int:pk>/transitions/<str:name>/", views.transition, name="transition"),
    path("<int:pk>/objections/<int:objection_id>/answer/", views.objection_answer, name="answer"),
    path("<int:pk>/self-check/", views.self_check, name="self_check"),
    path("<int:pk>/supervisor-report/", views.supervisor_report, name="supervisor_report"),
    path("<int:pk>/version/", views.move_version, name="move_version"),
    path("<int:pk>/reports/<str:code>/", views.event_report, name="event_report"),
    path("<int:pk>/task-book/", views.task_book, name="task_book"),
    path("<int:pk>/application.pdf", views.application_pdf, name="application_pdf"),
    path(
        "<int:pk>/decisions/<int:decision_id>/document.pdf",
        views.decision_document,
        name="decision_document",
    ),
    path(
        "decisions/<int:decision_id>.pdf",
        views.public_decision_document,
        name="public_decision_document",
    ),
]
