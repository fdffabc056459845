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
    bad = CSV_OK + "Trasig myndighet;202100-5449;okänd grupp;;inte-epost\n;202100-5455;;;\n"
    response = client.post(
        "/admin/agencies/import",
        {"file": (_bytes(bad), "m.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Inget importerades: filen har 4 fel" in page
    rows = [" ".join(row.split()) for row in page.split("<tr>")]
    for expected in (
        "<td>4</td><td>Trasig myndighet</td><td>org_number</td><td><code>202100-5449</code>",
        "<td>4</td><td>Trasig myndighet</td><td>peer_group</td><td><code>okänd grupp</code></td>"
        "<td>Okänd jämförelsegrupp. Giltiga: esam (eSam-myndigheter), ",
        "<td>4</td><td>Trasig myndighet</td><td>email</td><td><code>inte-epost</code></td>"
        "<td>E-postadressen är inte giltig.</td>",
        "<td>5</td><td>–</td><td>name</td><td>–</td><td>Namnet saknas.</td>",
    ):
        assert any(expected in row for row in rows), expected
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
    no_column = "name,peer_group,ministry\nA,esam,Fi\n"
    response = client.post(
        "/admin/agencies/import",
        {"file": (_bytes(no_column), "m.csv")},
        content_type="multipart/form-data",
    )
    assert "Rubrikraden saknar kolumnen/kolumnerna: org_number." in response.get_data(as_text=True)
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


# A register export as an administrator has it: Swedish headers, no e-mail, a body under the
# Riksdag without a ministry, saved by an older Excel in Windows-1252.
REGISTER_EXPORT = (
    "Namn;Organisationsnummer;Departement;Grupp\r\n"
    "Riksrevisionen;202100-5026;;\r\n"
    "Länsstyrelsen i Örebro län;202100-2346;Finansdepartementet;Länsstyrelser\r\n"
)


def _import(client, content, name="myndigheter.csv", create_peer_groups=False):
    data = {"file": (_bytes(content), name)}
    if create_peer_groups:
        data["create_peer_groups"] = "y"
    return client.post("/admin/agencies/import", data, content_type="multipart/form-data")


def test_a_register_export_without_email_imports_once_groups_may_be_created(client, login):
    login("admin")
    content = REGISTER_EXPORT.encode("cp1252")
    refused = _import(client, content)
    assert refused.status_code == 422
    page = " ".join(refused.get_data(as_text=True).split())
    assert "<td>3</td><td>Länsstyrelsen i Örebro län</td><td>peer_group</td>" in page
    assert "<code>Länsstyrelser</code>" in page and "other (Övriga myndigheter)" in page
    assert _agency_count() == 0

    assert _import(client, content, create_peer_groups=True).status_code == 302
    agencies = {a.name: a for a in db.session.scalars(select(Agency))}
    riksrevisionen = agencies["Riksrevisionen"]
    assert (riksrevisionen.ministry, riksrevisionen.contact_email) == ("", "")
    assert riksrevisionen.peer_group.code == "other"  # the default peer group
    assert agencies["Länsstyrelsen i Örebro län"].peer_group.name_sv == "Länsstyrelser"
    # Imported again, it updates and keeps what the file leaves out.
    riksrevisionen.contact_email = "registrator@riksrevisionen.se"
    db.session.commit()
    assert _import(client, ("\ufeff" + REGISTER_EXPORT).encode("utf-8")).status_code == 302
    db.session.refresh(riksrevisionen)
    assert riksrevisionen.contact_email == "registrator@riksrevisionen.se"
    assert _agency_count() == 2


def test_an_excel_workbook_imports_like_a_csv_file(client, login):
    from openpyxl import Workbook

    workbook, out = Workbook(), __import__("io").BytesIO()
    sheet = workbook.active
    sheet.append(["Namn", "Organisationsnummer", "Grupp", "E-post"])
    sheet.append(["Skatteverket", 2021005448, "eSam-myndigheter", "info@skatteverket.example"])
    workbook.save(out)
    login("admin")
    assert _import(client, out.getvalue(), "myndigheter.xlsx").status_code == 302
    agency = db.session.scalar(select(Agency))
    assert (agency.name, agency.org_number, agency.peer_group.code) == (
        "Skatteverket",
        "202100-5448",
        "esam",
    )


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
