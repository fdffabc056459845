"""The open-data catalogue in DCAT-AP-SE, as JSON-LD: one dcat:Dataset per published cycle,
each with a dcat:Distribution per file (checksum, size, format, licence), its temporal
coverage and the publisher, for Sweden's data portal to harvest. Addresses are built from
PUBLIC_URL, never from the request's Host header."""

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cycles.models import Cycle
from app.datasets.models import OpenDataFile, OpenDataRelease
from app.datasets.open_data import ALWAYS_WITHHELD, DISTRIBUTIONS, LICENCES, PARTS
from app.extensions import db
from workflows.cycle import CycleStatus

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority"
# DCAT-AP-SE asks for the publisher's type from the ADMS vocabulary.
SWEDISH = {"@id": f"{EU}/language/SWE", "@type": "dcterms:LinguisticSystem"}
NATIONAL_AUTHORITY = "http://purl.org/adms/publishertype/NationalAuthority"
DEFAULT_DESCRIPTION = _l(
    "IT cost key figures, maturity measures and strategic IT projects of the government "
    "agencies that took part in the %(year)d collection, as approved by the authority."
)
CATALOGUE_TITLE = _l("Granska: open data on the government agencies' IT costs")
CATALOGUE_DESCRIPTION = _l(
    "Every published annual collection of IT cost key figures, maturity measures and "
    "strategic IT projects from Swedish government agencies."
)


def published_releases() -> list[tuple[Cycle, OpenDataRelease, dict[str, OpenDataFile]]]:
    """Every published cycle whose open files are built, newest first, with its files (not
    their bytes): two queries whatever the number of years."""
    pairs = db.session.execute(
        select(Cycle, OpenDataRelease)
        .join(OpenDataRelease, OpenDataRelease.cycle_id == Cycle.id)
        .where(Cycle.status == CycleStatus.PUBLISHED, OpenDataRelease.built_at.is_not(None))
        .order_by(Cycle.year.desc())
    ).all()
    files: dict[int, dict[str, OpenDataFile]] = {release.id: {} for _, release in pairs}
    if files:
        rows = db.session.scalars(
            select(OpenDataFile).where(OpenDataFile.release_id.in_(list(files)))
        )
        for row in rows:
            files[row.release_id][row.kind] = row
    return [(cycle, release, files[release.id]) for cycle, release in pairs]


def absolute(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


def _texts(sv: str, en: str) -> list[dict]:
    return [{"@value": sv, "@language": "sv"}, {"@value": en, "@language": "en"}]


def _translated(message) -> tuple[str, str]:
    with force_locale("sv"):
        sv = str(message)
    with force_locale("en"):
        en = str(message)
    return sv, en


def _date(value) -> dict:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def publisher() -> dict:
    config = current_app.config
    return {
        "@id": config["PUBLISHER_URI"],
        "@type": "foaf:Agent",
        "foaf:name": {"@value": config["PUBLISHER_NAME"], "@language": "sv"},
        "dcterms:type": {
            "@id": NATIONAL_AUTHORITY,
            "@type": "skos:Concept",
            "skos:prefLabel": _texts("Nationell myndighet", "National authority"),
        },
    }


def _licence(code: str) -> dict:
    return {"@id": LICENCES[code].uri, "@type": "dcterms:LicenseDocument"}


def summary_of(cycle: Cycle, release: OpenDataRelease) -> tuple[str, str]:
    """The administrator's description, or a plain one, in Swedish and English."""
    default = _translated(DEFAULT_DESCRIPTION)
    return (
        release.description_sv or default[0] % {"year": cycle.year},
        release.description_en or default[1] % {"year": cycle.year},
    )


def description_of(cycle: Cycle, release: OpenDataRelease) -> tuple[str, str]:
    """The summary and what is withheld, for the catalogue."""
    sv, en = summary_of(cycle, release)
    withheld = [_translated(PARTS[part]) for part in release.withheld_parts]
    withheld.append(_translated(ALWAYS_WITHHELD))
    sv += " Utelämnat ur den öppna versionen: " + "; ".join(w[0] for w in withheld) + "."
    en += " Withheld from the open version: " + "; ".join(w[1] for w in withheld) + "."
    return sv, en


def _distribution(cycle: Cycle, release: OpenDataRelease, file: OpenDataFile) -> dict:
    spec = DISTRIBUTIONS[file.kind]
    address = absolute("open_data.download", year=cycle.year, kind=file.kind)
    title = _translated(spec.title)
    return {
        "@id": address,
        "@type": "dcat:Distribution",
        "dcterms:title": _texts(*title),
        "dcat:accessURL": {"@id": address},
        "dcat:downloadURL": {"@id": address},
        "dcterms:format": {
            "@id": f"{EU}/file-type/{spec.file_type}",
            "@type": "dcterms:MediaTypeOrExtent",
        },
        "dcat:mediaType": {
            "@id": f"http://www.iana.org/assignments/media-types/{spec.media_type}",
            "@type": "dcterms:MediaType",
        },
        "dcterms:license": _licence(release.licence),
        "dcat:byteSize": {"@value": str(file.byte_size), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": file.sha256, "@type": "xsd:hexBinary"},
        },
    }


def _dataset(cycle: Cycle, release: OpenDataRelease, files: dict[str, OpenDataFile]) -> dict:
    page = absolute("open_data.cycle", year=cycle.year)
    sv, en = description_of(cycle, release)
    config = current_app.config
    dataset = {
        "@id": page + "#dataset",
        "@type": "dcat:Dataset",
        "dcterms:identifier": f"granska-{cycle.year}",
        "dcterms:title": _texts(
            f"Granska {cycle.year}: {cycle.title}", f"Granska {cycle.year}: {cycle.title_in('en')}"
        ),
        "dcterms:description": _texts(sv, en),
        "dcterms:publisher": {"@id": config["PUBLISHER_URI"]},
        "dcat:landingPage": {"@id": page, "@type": "foaf:Document"},
        "dcat:keyword": [
            {"@value": word, "@language": "sv"}
            for word in ("it-kostnader", "nyckeltal", "digitalisering", "myndigheter")
        ],
        "dcat:theme": {
            "@id": f"{EU}/data-theme/GOVE",
            "@type": "skos:Concept",
            "skos:prefLabel": _texts(
                "Regeringen och den offentliga sektorn", "Government and public sector"
            ),
        },
        "dcterms:accessRights": {
            "@id": f"{EU}/access-right/PUBLIC",
            "@type": "dcterms:RightsStatement",
        },
        "dcterms:language": SWEDISH,
        "dcterms:spatial": {"@id": f"{EU}/country/SWE", "@type": "dcterms:Location"},
        "dcterms:temporal": {
            "@type": "dcterms:PeriodOfTime",
            "dcat:startDate": {"@value": f"{cycle.year}-01-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{cycle.year}-12-31", "@type": "xsd:date"},
        },
        "dcat:contactPoint": {
            "@type": ["vcard:Kind", "vcard:Organization"],
            "vcard:fn": config["PUBLISHER_NAME"],
            "vcard:hasEmail": {"@id": "mailto:" + config["PUBLISHER_EMAIL"]},
        },
        "dcat:distribution": [
            _distribution(cycle, release, files[kind]) for kind in DISTRIBUTIONS if kind in files
        ],
    }
    if cycle.published_at is not None:
        dataset["dcterms:issued"] = _date(cycle.published_at.date())
    if release.built_at is not None:
        dataset["dcterms:modified"] = _date(release.built_at.date())
    return dataset


def catalogue() -> dict:
    releases = published_releases()
    catalogue = {
        "@context": CONTEXT,
        "@id": absolute("open_data.catalog"),
        "@type": "dcat:Catalog",
        "dcterms:title": _texts(*_translated(CATALOGUE_TITLE)),
        "dcterms:description": _texts(*_translated(CATALOGUE_DESCRIPTION)),
        "dcterms:publisher": publisher(),
        "dcterms:license": _licence("cc0"),  # the catalogue's own metadata
        "dcterms:language": SWEDISH,
        "foaf:homepage": {"@id": absolute("open_data.index"), "@type": "foaf:Document"},
        "dcat:dataset": [_dataset(c, r, f) for c, r, f in releases],
    }
    built = [r.built_at for _, r, _ in releases if r.built_at is not None]
    if built:
        catalogue["dcterms:modified"] = _date(max(built).date())
    return catalogue
