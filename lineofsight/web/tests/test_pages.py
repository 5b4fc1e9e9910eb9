import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from lineofsight.accounts.models import Role
from lineofsight.accounts.policy import ROLE_SUMMARIES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_home_page_says_what_each_role_can_do(client_for, role):
    response = client_for(role).get(reverse("home:home"))
    assert response.status_code == 200
    assert escape(ROLE_SUMMARIES[role]) in response.text
    links = {link.title for link in response.context["links"]}
    assert ("Access log" in links) == (role in (Role.QA_LEAD, Role.ADMINISTRATOR))
    assert ("People, teams and configuration" in links) == (role == Role.ADMINISTRATOR)


def test_header_shows_the_council_and_no_crown(client_for, settings):
    settings.COUNCIL_NAME = "Wolds Borough Council"
    text = client_for("practitioner").get(reverse("home:home")).text
    assert "Wolds Borough Council" in text
    assert "govuk-logo" not in text
    assert "crown" not in text.lower()
    assert 'class="govuk-skip-link"' in text


def test_unknown_page_gets_the_404_page(client_for):
    response = client_for("qa_lead").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_server_error_gets_the_500_page(council, settings):
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom")

    import lineofsight.urls as project_urls

    class Urls:
        urlpatterns = [*project_urls.urlpatterns, path("broken/", broken)]
        handler500 = project_urls.handler500

    settings.ROOT_URLCONF = Urls
    client = Client(raise_request_exception=False)
    client.force_login(council["users"]["qa_lead"])
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text


def test_health_needs_no_sign_in(client):
    response = client.get(reverse("web:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
