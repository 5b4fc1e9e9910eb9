from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    path("early-careers/", views.early_careers, name="early_careers"),
    path("early-careers/new/", views.enrol, name="enrol"),
    path("early-careers/<int:pk>/", views.enrolment, name="enrolment"),
    path("early-careers/<int:pk>/edit/", views.enrolment_edit, name="enrolment_edit"),
    path("early-careers/<int:pk>/stages/<slug:key>/", views.stage, name="stage"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("coverage/", views.coverage, name="coverage"),
    path("skills/", views.skills, name="skills"),
    path("skills/new/", views.skill_add, name="skill_add"),
    path("skills/<int:pk>/remove/", views.skill_remove, name="skill_remove"),
]
