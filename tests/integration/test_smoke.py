def test_login_page_renders_in_swedish(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Logga in i Granska" in response.get_data(as_text=True)


def test_admin_lands_on_overview(login, client):
    login("admin")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    page = client.get("/admin/")
    assert page.status_code == 200, page.get_data(as_text=True)
