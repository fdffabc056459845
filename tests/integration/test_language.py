def test_swedish_is_the_default_and_english_is_one_click_away(client):
    assert '<html lang="sv">' in client.get("/login").get_data(as_text=True)
    response = client.post("/language", {"lang": "en", "next": "/password/reset"})
    assert response.headers["Location"] == "/password/reset"
    page = client.get("/password/reset").get_data(as_text=True)
    assert '<html lang="en">' in page and "Forgot your password?" in page
    assert 'lang="sv">Svenska</button>' in page


def test_language_choice_survives_login(client, login):
    client.post("/language", {"lang": "en"})
    login("reviewer")
    assert "Submissions" in client.get("/review/").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_targets(client):
    response = client.post("/language", {"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="sv">' in client.get("/login").get_data(as_text=True)


def test_dates_and_numbers_follow_the_language(client, login):
    from tests import factories

    cycle = factories.make_cycle(year=2026)
    agency = factories.make_agency()
    factories.make_submission(cycle, agency)
    login("agency_viewer", agency=agency)
    assert "29 januari 2027" in client.get("/agency/").get_data(as_text=True)
    client.post("/language", {"lang": "en"})
    assert "January 29, 2027" in client.get("/agency/").get_data(as_text=True)


def test_the_summary_reads_in_english_while_form_fields_keep_the_swedish_numbers(client, login):
    from tests import factories

    cycle = factories.make_cycle(year=2026, questionnaire=True)
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency)
    factories.complete_answers(submission, operating_cost=1250000)
    login("agency_editor", agency=agency)
    client.post("/language", {"lang": "en"})
    summary = client.get(f"/submissions/{submission.id}/summary").get_data(as_text=True)
    # Item labels come from an imported macro: English, not "Verksamhetskostnad".
    assert "Operating cost" in summary and "Verksamhetskostnad" not in summary
    assert "1,250,000" in summary and "1\u00a0250\u00a0000" not in summary
    form = client.get(f"/submissions/{submission.id}/sections/it_costs").get_data(as_text=True)
    # What a field holds is read back by the Swedish parser, whatever the page's language.
    assert 'value="1\u00a0250\u00a0000"' in form


def test_each_language_keeps_its_own_words_when_switched_back_and_forth(client, app):
    # The templates' catalogue is looked up once per language: switching must never show
    # one language's words on the other's page, and a forced language inside a request
    # (a workbook, a mail) translates in that language.
    from flask import render_template_string
    from flask_babel import force_locale

    for _round in range(2):
        client.post("/language", {"lang": "sv"})
        page = client.get("/password/reset").get_data(as_text=True)
        assert '<html lang="sv">' in page and "Forgot your password?" not in page
        client.post("/language", {"lang": "en"})
        assert "Forgot your password?" in client.get("/password/reset").get_data(as_text=True)
    template = (
        "{{ _('Forgot your password?') }}|{{ ngettext('%(num)d agency', '%(num)d agencies', 2) }}"
    )
    with app.test_request_context("/"):
        swedish = render_template_string(template)
        with force_locale("en"):
            assert render_template_string(template) == "Forgot your password?|2 agencies"
        assert render_template_string(template) == swedish != "Forgot your password?|2 agencies"
