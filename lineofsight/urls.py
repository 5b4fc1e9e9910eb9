from django.contrib import admin
from django.urls import include, path

from lineofsight.web.redirects import moved_prefixes

# Each app's pages under a prefix naming it; its own urls.py holds the rest of each path.
urlpatterns = [
    path("", include("lineofsight.home.urls")),  # each role's home page
    path("", include("lineofsight.web.urls")),  # health check and the council's stylesheet
    path("accounts/", include("lineofsight.accounts.urls")),  # sign in, access log, role grants
    path("imports/", include("lineofsight.intake.urls")),  # imports and snapshots
    path("timescales/", include("lineofsight.timeliness.urls")),  # timeliness rules
    path("worklists/", include("lineofsight.worklists.urls")),
    path("children/", include("lineofsight.children.urls")),  # a child's chronology
    path("recording/", include("lineofsight.recording.urls")),  # the quality of case notes
    path("supervision/", include("lineofsight.supervision.urls")),  # group supervision
    path("audits/", include("lineofsight.audits.urls")),  # case-file audits
    path("actions/", include("lineofsight.actions.urls")),  # improvement actions
    path("themes/", include("lineofsight.themes.urls")),  # themes and triangulation
    path("framework/", include("lineofsight.framework.urls")),  # the framework for practice
    path("standards/", include("lineofsight.standards.urls")),  # line of sight on standards
    path("workforce/", include("lineofsight.workforce.urls")),  # early careers, learning
    path("teams/", include("lineofsight.teams.urls")),  # workforce beside practice, per team
    path("indicators/", include("lineofsight.indicators.urls")),  # indicators and the board
    path("reports/", include("lineofsight.reports.urls")),  # committee report
    path("region/", include("lineofsight.region.urls")),  # regional benchmarking
    path("practice-weeks/", include("lineofsight.practiceweeks.urls")),  # practice weeks
    path("feedback/", include("lineofsight.feedback.urls")),  # from children and families
    path("concerns/", include("lineofsight.concerns.urls")),  # safeguarding concerns
    path("admin/", admin.site.urls),
]

# Old prefix -> new prefix, for pages that moved when each app got its own prefix: answered
# with a permanent redirect keeping the rest of the path and the query string.
MOVED = {
    "sign-in/": "accounts/sign-in/",
    "sign-out/": "accounts/sign-out/",
    "access-log/": "accounts/access-log/",
    "people/": "accounts/people/",
}
urlpatterns += moved_prefixes(MOVED)

handler403 = "lineofsight.web.views.permission_denied"
handler404 = "lineofsight.web.views.page_not_found"
handler500 = "lineofsight.web.views.server_error"
