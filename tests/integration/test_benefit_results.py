"""Benefits realisation in the results: the follow-up figures overall and per peer group,
planned against realised benefits per agency and in total, realised economic benefits against
the projects' costs — on the analysis page, in the cycle summary and in the feedback report,
computed from the frozen dataset."""

import subprocess
from decimal import Decimal

from app.reports.analysis import dataset_of
from app.reports.benefits import benefit_results
from tests.integration.test_datasets import YEAR, _frozen_dataset


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_the_follow_up_figures_come_from_the_frozen_dataset(app):
    data, _snapshot = _frozen_dataset()
    results = benefit_results(dataset_of(data.cycle), {"esam": "E-SAM", "other": "Övriga"})
    overall = results.overall  # Bolagsverket's one ongoing project; Lantmäteriet has none
    assert (overall.projects, overall.identified, overall.analysed, overall.planned) == (1, 1, 1, 1)
    assert overall.owned == 0  # "Nöjdare kunder" has no owner
    assert (overall.main_economic, overall.main_qualitative) == (1, 0)
    assert (overall.revised_budget, overall.revised_schedule) == (1, 1)
    assert overall.share("identified") == Decimal(100)
    (agency,) = results.agencies
    assert (agency.name, agency.benefits, agency.at_risk, agency.realised) == (
        "Bolagsverket",
        2,
        1,
        0,
    )
    assert (agency.planned_amount, agency.realised_amount) == (Decimal(4500), Decimal(1200))
    assert agency.project_cost == Decimal(52000)
    assert round(agency.against_cost, 2) == Decimal("2.31")  # 1 200 / 52 000
    assert results.total.benefits == 2


def test_the_analysis_page_and_the_cycle_summary_show_the_benefits(app, client):
    data, _snapshot = _frozen_dataset()
    client.login(data.admin)
    page = client.get(f"/cycles/{YEAR}/analysis").get_data(as_text=True)
    assert "Nyttorealisering" in page and "Huvudnyttan ekonomisk" in page
    assert "Realiserat mot kostnader" in page
    summary = client.get(f"/cycles/{YEAR}/reports/summary.pdf")
    assert summary.status_code == 200
    text = _pdf_text(summary.data)
    assert "Nyttorealisering" in text and "Varje nytta har en ägare" in text


def test_the_feedback_report_has_a_page_on_the_agencys_benefits(app, client):
    data, _snapshot = _frozen_dataset()
    client.login(data.admin)
    org = data["Bolagsverket"].agency.org_number
    response = client.get(f"/cycles/{YEAR}/reports/agencies/{org}.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "0 av 2 nyttor realiserade, 1 i riskzonen" in text
    assert "Kortare handläggningstid" in text and "Ingen ägare" in text
