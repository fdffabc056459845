"""Administrators manage agencies: create, edit, deactivate, import from CSV."""

from sqlalchemy import func, select

from app.accounts.models import Agency, User
from app.extensions import db
from tests import factories

VALID = "202100-5489"  # Luhn-valid


def _form(**overrides):
    data = {
        "name": "Ekonomistyrningsverket",
        "org_number": VALID,
        "peer_group_id": str(factories.peer_group("esam").id),
        "ministry": "Finansdepartementet",
        "contact_email": "Registrator@ESV.example",
    }
    data.update(overrides)
    return data


def _agency_count() -> int:
    return db.session.scalar(select(func.count(Agency.id)))


def test_admin_creates_an_agency(client, login):
    login("admin")
    response = client.post("/admin/agencies/new", _form(org_number="2021005489"))
    assert response.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.name == "Ekonomistyrningsverket"))
    assert agency.org_number == "202100-5489"  # normalised
    assert agency.contact_email == "registrator@esv.example"
    assert agency.active


def test_invalid_org_number_is_explained_and_input_kept(client, login):
    login("admin")
    for value, message in (
        ("202100-5488", "kontrollsiffran stämmer inte"),
        ("12345", "Ange organisationsnumret som NNNNNN-NNNN"),
        ("811218-9876", "den tredje siffran måste vara 2 eller högre"),
    ):
        response = client.post("/admin/agencies/new", _form(org_number=value))
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in page
        assert f'value="{value}"' in page and 'value="Ekonomistyrningsverket"' in page
    assert _agency_count() == 0


def test_duplicate_org_number_is_refused(client, login):
    factories.make_agency(org_number=VALID)
    login("admin")
    response = client.post("/admin/agencies/new", _form())
    assert "En annan myndighet har redan det här organisationsnumret." in response.get_data(
        as_text=True
    )
    assert _agency_count() == 1


def test_admin_edits_an_agency(client, login):
    agency = factories.make_agency(name="Gamla namnet")
    login("admin")
    response = client.post(
        f"/admin/agencies/{agency.id}/edit", _form(name="Nya namnet", org_number=agency.org_number)
    )
    assert response.status_code == 302
    db.session.refresh(agency)
    assert agency.name == "Nya namnet"


def test_failed_edit_changes_nothing(client, login):
    agency = factories.make_agency(name="Orört")
    login("admin")
    response = client.post(
        f"/admin/agencies/{agency.id}/edit", _form(name="Ändrat", org_number="nonsense")
    )
    assert response.status_code == 422
    db.session.refresh(agency)
    assert agency.name == "Orört"


def test_deactivating_an_agency_deactivates_its_users(client, login):
    agency = factories.make_agency()
    editor = factories.make_user("agency_editor", agency=agency)
    login("admin")
    client.post(f"/admin/agencies/{agency.id}/active", {"active": "0"})
    db.session.refresh(agency)
    db.session.refresh(editor)
    assert not agency.active and not editor.active


def test_agency_list_searches_and_paginates(client, login):
    for n in range(55):
        factories.make_agency(name=f"Myndighet {n:02d}")
    factories.make_agency(name="Skatteverket")
    login("admin")
    first = client.get("/admin/agencies").get_data(as_text=True)
    assert "Sida 1 av 2" in first
    found = client.get("/admin/agencies?q=skatte").get_data(as_text=True)
    assert "Skatteverket" in found and "Myndighet 01" not in found


CSV_OK = (
    "name;org_number;peer_group;ministry;email\n"
    "Skatteverket;202100-5448;esam;Finansdepartementet;skatteverket@example.se\n"
    "Uppsala universitet;202100-2932;Universitet och högskolor (lärosäten);"
    "Utbildningsdepartementet;registrator@uu.example\n"
)


def test_import_creates_agencies_from_a_semicolon_file(client, login):
    login("admin")
    response = client.post(
        "/admin/agencies/import",
        {"file": (_bytes(CSV_OK), "myndigheter.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    names = set(db.session.scalars(select(Agency.name)))
    assert names == {"Skatteverket", "Uppsala universitet"}


def test_import_with_one_bad_row_imports_nothing_and_reports_each_error(client, login):
    login("admin")
    bad = CSV_OK + "Trasig myndighet;202100-5449;okänd grupp;;inte-epost\n"
    response = client.post(
        "/admin/agencies/import",
        {"file": (_bytes(bad), "m.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Inget importerades: filen har 4 fel" in page
    for message in (
        "kontrollsiffran stämmer inte",
        "Okänd jämförelsegrupp ”okänd grupp”",
        "Departementet saknas.",
        "E-postadressen är inte giltig.",
    ):
        assert message in page
    assert _agency_count() == 0


def test_import_updates_an_existing_agency(client, login):
    factories.make_agency(name="Skatteverket (gammalt)", org_number="202100-5448")
    login("admin")
    client.post(
        "/admin/agencies/import",
        {"file": (_bytes(CSV_OK), "m.csv")},
        content_type="multipart/form-data",
    )
    assert _agency_count() == 2
    assert (
        db.session.scalar(select(Agency.name).where(Agency.org_number == "202100-5448"))
        == "Skatteverket"
    )


def test_import_reports_a_missing_column_and_duplicates(client, login):
    login("admin")
    no_column = "name,org_number,peer_group,ministry\nA,202100-5448,esam,Fi\n"
    response = client.post(
        "/admin/agencies/import",
        {"file": (_bytes(no_column), "m.csv")},
        content_type="multipart/form-data",
    )
    assert "Rubrikraden saknar kolumnen/kolumnerna: email." in response.get_data(as_text=True)
    duplicate = CSV_OK + "Kopia;202100-5448;esam;Fi;a@b.example\n"
    response = client.post(
        "/admin/agencies/import",
        {"file": (_bytes(duplicate), "m.csv")},
        content_type="multipart/form-data",
    )
    assert "Organisationsnumret finns också på rad 2." in response.get_data(as_text=True)


def test_import_of_a_binary_file_is_refused(client, login):
    login("admin")
    response = client.post(
        "/admin/agencies/import",
        {"file": (_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert _agency_count() == 0


def test_non_admins_cannot_reach_agency_administration(client, login):
    agency = factories.make_agency()
    for role in ("reviewer", "agency_editor", "agency_viewer"):
        login(role)
        assert client.get("/admin/agencies").status_code == 403
        assert (
            client.post(f"/admin/agencies/{agency.id}/active", {"active": "0"}).status_code == 403
        )
        client.logout()
    db.session.refresh(agency)
    assert agency.active
    assert db.session.scalar(select(func.count(User.id))) == 3


def _bytes(content):
    import io

    return io.BytesIO(content.encode() if isinstance(content, str) else content)


def test_admin_adds_and_renames_a_peer_group(client, login):
    login("admin")
    response = client.post(
        "/admin/peer-groups/new",
        {"code": "sma_myndigheter", "name_sv": "Små myndigheter", "name_en": "Small agencies"},
    )
    assert response.status_code == 302
    group = factories.peer_group("sma_myndigheter")
    assert group.position == 4  # after the three defaults
    client.post(
        f"/admin/peer-groups/{group.id}/edit",
        {"code": "sma_myndigheter", "name_sv": "Mindre myndigheter", "name_en": "Small agencies"},
    )
    db.session.refresh(group)
    assert group.name_sv == "Mindre myndigheter"
    page = client.get("/admin/agencies/new").get_data(as_text=True)
    assert "Mindre myndigheter" in page  # offered when adding an agency


def test_peer_group_code_must_be_unique_and_well_formed(client, login):
    login("admin")
    taken = client.post("/admin/peer-groups/new", {"code": "esam", "name_sv": "X", "name_en": "X"})
    assert "En annan jämförelsegrupp har redan den här koden." in taken.get_data(as_text=True)
    bad = client.post(
        "/admin/peer-groups/new", {"code": "Stora Myndigheter!", "name_sv": "X", "name_en": "X"}
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="Stora Myndigheter!"' in page
    assert "Använd 2–40 gemena bokstäver a–z, siffror eller understreck." in page
