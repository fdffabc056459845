"""The default questionnaire (ESV's method for IT cost key figures and maturity), loaded into a
new cycle when there is no earlier cycle to copy. Swedish wording with English translations."""

from decimal import Decimal

AMOUNT_DEFINITION_SV = "Belopp i tusental kronor (tkr), exklusive avdragsgill moms."
AMOUNT_DEFINITION_EN = "Amount in thousands of SEK (tkr), excluding deductible VAT."


def _amount(code, heading, sv, en, def_sv, def_en, required=True):
    return {
        "code": code,
        "section": "it_costs",
        "heading": heading,
        "kind": "amount",
        "label_sv": sv,
        "label_en": en,
        "required": required,
        "has_forecast": True,
        "min_value": Decimal(0),
        "definition_sv": f"{def_sv} {AMOUNT_DEFINITION_SV}",
        "definition_en": f"{def_en} {AMOUNT_DEFINITION_EN}",
    }


IT_COST_ITEMS = [
    _amount(
        "operating_cost",
        "operations",
        "Verksamhetskostnad",
        "Operating cost",
        "Myndighetens totala verksamhetskostnader enligt resultaträkningen.",
        "The agency's total operating costs according to the income statement.",
    ),
    _amount(
        "it_cost_total",
        "it_costs",
        "Total it-kostnad",
        "Total IT cost",
        "Alla kostnader för it: personal, konsulter, drift, hård- och programvara, "
        "telefoni, lagring och övrigt. Avskrivningar räknas med, investeringsutgifter inte.",
        "Every cost of IT: staff, consultants, operations, hardware and software, "
        "telephony, storage and other. Depreciation counts; investment outlays do not.",
    ),
    _amount(
        "it_cost_internal_staff",
        "it_costs",
        "varav intern it-personal",
        "of which internal IT staff",
        "Löner och andra personalkostnader för anställda som arbetar med it.",
        "Salaries and other staff costs of employees working with IT.",
    ),
    _amount(
        "it_cost_consultants",
        "it_costs",
        "varav inhyrda it-konsulter",
        "of which hired IT consultants",
        "Konsulter som arbetar med it på löpande räkning eller fast pris.",
        "Consultants working on IT, by the hour or at a fixed price.",
    ),
    _amount(
        "it_cost_outsourced",
        "it_costs",
        "varav utkontrakterad it-drift och it-tjänster",
        "of which outsourced IT operations and services",
        "Drift och tjänster som köps av andra, även molntjänster och andra myndigheter.",
        "Operations and services bought from others, cloud services and other agencies included.",
    ),
    _amount(
        "it_cost_hardware",
        "it_costs",
        "varav hårdvara",
        "of which hardware",
        "Datorer, servrar, nätverk och annan utrustning, även avskrivningar och leasing.",
        "Computers, servers, networks and other equipment, depreciation and leasing included.",
    ),
    _amount(
        "it_cost_software",
        "it_costs",
        "varav programvara och licenser",
        "of which software and licences",
        "Licenser, underhållsavtal och egenutvecklad programvara som skrivs av.",
        "Licences, maintenance agreements and depreciated in-house software.",
    ),
    _amount(
        "it_cost_telephony",
        "it_costs",
        "varav telefoni",
        "of which telephony",
        "Fast och mobil telefoni, abonnemang och apparater.",
        "Fixed and mobile telephony, subscriptions and devices.",
    ),
    _amount(
        "it_cost_storage",
        "it_costs",
        "varav lagring",
        "of which storage",
        "Lagring och säkerhetskopiering som inte ingår i driften ovan.",
        "Storage and backup not included in operations above.",
    ),
    _amount(
        "it_cost_other",
        "it_costs",
        "varav övrigt",
        "of which other",
        "It-kostnader som inte hör till någon post ovan.",
        "IT costs that belong to none of the items above.",
    ),
    _amount(
        "it_investments",
        "investments",
        "It-investeringar",
        "IT investments",
        "Årets investeringsutgifter för it som tas upp som tillgång.",
        "The year's IT investment outlays recognised as assets.",
    ),
    _amount(
        "it_cost_run",
        "split",
        "Säkerställa (drift och förvaltning)",
        "Keep running (operations and maintenance)",
        "Kostnader för att hålla befintliga system och tjänster i gång.",
        "Costs of keeping existing systems and services running.",
    ),
    _amount(
        "it_cost_improve",
        "split",
        "Förbättra",
        "Improve",
        "Kostnader för att förbättra befintliga system och tjänster.",
        "Costs of improving existing systems and services.",
    ),
    _amount(
        "it_cost_new",
        "split",
        "Nyutveckla",
        "New development",
        "Kostnader för att utveckla nya system och tjänster.",
        "Costs of developing new systems and services.",
    ),
    {
        "code": "users",
        "section": "it_costs",
        "heading": "people",
        "kind": "count",
        "label_sv": "Antal användare",
        "label_en": "Number of users",
        "min_value": Decimal(0),
        "definition_sv": "Personer med eget konto i myndighetens it-miljö vid årets slut, även "
        "konsulter.",
        "definition_en": "People with their own account in the agency's IT environment at year "
        "end, consultants included.",
    },
    {
        "code": "workstations",
        "section": "it_costs",
        "heading": "people",
        "kind": "count",
        "label_sv": "Antal it-arbetsplatser",
        "label_en": "Number of IT workstations",
        "min_value": Decimal(0),
        "definition_sv": "Datorer som myndigheten tillhandahåller, bärbara och stationära.",
        "definition_en": "Computers the agency provides, laptops and desktops.",
    },
    {
        "code": "internal_it_staff",
        "section": "it_costs",
        "heading": "people",
        "kind": "fte",
        "label_sv": "Intern it-personal",
        "label_en": "Internal IT staff",
        "min_value": Decimal(0),
        "definition_sv": "Anställda som arbetar med it, omräknat till heltid.",
        "definition_en": "Employees working with IT, as full-time equivalents.",
    },
    {
        "code": "hired_it_staff",
        "section": "it_costs",
        "heading": "people",
        "kind": "fte",
        "label_sv": "Inhyrd it-personal",
        "label_en": "Hired IT staff",
        "min_value": Decimal(0),
        "definition_sv": "Inhyrda konsulter som arbetar med it, omräknat till heltid.",
        "definition_en": "Hired consultants working with IT, as full-time equivalents.",
    },
    {
        "code": "workstation_cost_direction",
        "section": "it_costs",
        "heading": "assessment",
        "kind": "choice",
        "label_sv": "Kostnaden per arbetsplats bör",
        "label_en": "The cost per workstation should",
        "choices": [
            {"value": "stay", "sv": "ligga kvar", "en": "stay the same"},
            {"value": "rise", "sv": "öka", "en": "rise"},
            {"value": "fall", "sv": "minska", "en": "fall"},
        ],
        "definition_sv": "Myndighetens egen bedömning av kostnaden per it-arbetsplats.",
        "definition_en": "The agency's own assessment of the cost per IT workstation.",
    },
    {
        "code": "workstation_cost_comment",
        "section": "it_costs",
        "heading": "assessment",
        "kind": "text",
        "required": False,
        "label_sv": "Kommentar",
        "label_en": "Comment",
        "definition_sv": "Varför kostnaden bör ligga kvar, öka eller minska.",
        "definition_en": "Why the cost should stay, rise or fall.",
    },
]

MATURITY_AREAS = [
    (
        "sourcing",
        "Sourcingstrategi",
        "Sourcing strategy",
        (
            "Ingen strategi för vad som görs själv och vad som köps.",
            "Strategin finns och följs för de flesta system.",
            "Strategin styr alla beslut och utvärderas regelbundet.",
        ),
        (
            "No strategy for what is done in-house and what is bought.",
            "A strategy exists and is followed for most systems.",
            "The strategy governs every decision and is reviewed regularly.",
        ),
    ),
    (
        "governance",
        "Styrmodell för it",
        "IT governance model",
        (
            "It styrs från fall till fall.",
            "En styrmodell finns och används i de flesta beslut.",
            "It styrs som en integrerad del av verksamhetsstyrningen.",
        ),
        (
            "IT is governed case by case.",
            "A governance model exists and is used in most decisions.",
            "IT is governed as an integral part of business management.",
        ),
    ),
    (
        "project_model",
        "Projektmodell",
        "Project model",
        (
            "Projekt drivs utan gemensam modell.",
            "En gemensam projektmodell används i de flesta projekt.",
            "Projektmodellen används alltid och förbättras utifrån erfarenheter.",
        ),
        (
            "Projects are run without a common model.",
            "A common project model is used in most projects.",
            "The project model is always used and improved from experience.",
        ),
    ),
    (
        "portfolio",
        "Portföljstyrning",
        "Portfolio management",
        (
            "Initiativ prioriteras var för sig.",
            "Initiativ prioriteras gemensamt i en portfölj.",
            "Portföljen styrs mot verksamhetens mål och omprioriteras löpande.",
        ),
        (
            "Initiatives are prioritised one by one.",
            "Initiatives are prioritised together in a portfolio.",
            "The portfolio is steered towards business goals and reprioritised continuously.",
        ),
    ),
    (
        "benefits",
        "Nyttorealisering",
        "Benefits realisation",
        (
            "Nyttor beskrivs inte eller följs inte upp.",
            "Nyttor beskrivs och följs upp i de flesta projekt.",
            "Nyttor har ägare, mäts och hemtas systematiskt.",
        ),
        (
            "Benefits are neither described nor followed up.",
            "Benefits are described and followed up in most projects.",
            "Benefits have owners, are measured and realised systematically.",
        ),
    ),
    (
        "competence",
        "Kompetensförsörjning",
        "Competence supply",
        (
            "It-kompetens försörjs när behov uppstår.",
            "Det finns en plan för it-kompetens.",
            "Kompetensförsörjningen är långsiktig och följs upp mot verksamhetens behov.",
        ),
        (
            "IT competence is found when the need arises.",
            "There is a plan for IT competence.",
            "Competence supply is long-term and followed up against business needs.",
        ),
    ),
    (
        "cost_comparison",
        "It-kostnadsjämförelser",
        "IT cost comparisons",
        (
            "It-kostnader jämförs inte.",
            "It-kostnader jämförs med andra ibland.",
            "Jämförelser används regelbundet för att styra kostnaderna.",
        ),
        (
            "IT costs are not compared.",
            "IT costs are compared with others now and then.",
            "Comparisons are used regularly to steer costs.",
        ),
    ),
    (
        "information_security",
        "Informationssäkerhet",
        "Information security",
        (
            "Informationssäkerhet hanteras från fall till fall.",
            "Ett ledningssystem för informationssäkerhet finns och används.",
            "Informationssäkerhet är integrerad i all verksamhet och förbättras löpande.",
        ),
        (
            "Information security is handled case by case.",
            "An information security management system exists and is used.",
            "Information security is built into all work and improved continuously.",
        ),
    ),
]


def _maturity_items():
    items = []
    for code, sv, en, descriptors_sv, descriptors_en in MATURITY_AREAS:
        levels = {
            str(level): {"sv": d_sv, "en": d_en}
            for level, d_sv, d_en in zip((1, 4, 7), descriptors_sv, descriptors_en, strict=True)
        }
        common = {
            "section": "maturity",
            "heading": code,
            "kind": "level",
            "choices": levels,
            "min_value": Decimal(1),
            "max_value": Decimal(7),
        }
        items += [
            {
                **common,
                "code": f"maturity_{code}_current",
                "label_sv": f"{sv}: nuläge",
                "label_en": f"{en}: current level",
                "definition_sv": "Myndighetens nivå i dag, på skalan 1–7.",
                "definition_en": "The agency's level today, on the 1–7 scale.",
            },
            {
                **common,
                "code": f"maturity_{code}_target",
                "label_sv": f"{sv}: mål om två år",
                "label_en": f"{en}: target in two years",
                "definition_sv": "Den nivå myndigheten siktar på om två år.",
                "definition_en": "The level the agency aims for in two years.",
            },
            {
                "section": "maturity",
                "heading": code,
                "kind": "text",
                "required": False,
                "code": f"maturity_{code}_comment",
                "label_sv": f"{sv}: kommentar",
                "label_en": f"{en}: comment",
                "definition_sv": "Frivilligt; krävs om målet är lägre än nuläget.",
                "definition_en": "Optional; required if the target is below the current level.",
            },
        ]
    return items


IT_COST_PARTS = [
    "it_cost_internal_staff",
    "it_cost_consultants",
    "it_cost_outsourced",
    "it_cost_hardware",
    "it_cost_software",
    "it_cost_telephony",
    "it_cost_storage",
    "it_cost_other",
]

RULES = [
    {
        "code": "it_cost_parts",
        "kind": "sum",
        "target": "it_cost_total",
        "operands": IT_COST_PARTS,
        "label_sv": "Kostnadsposterna ska summera till den totala it-kostnaden.",
        "label_en": "The cost items must add up to the total IT cost.",
    },
    {
        "code": "it_cost_split",
        "kind": "sum",
        "target": "it_cost_total",
        "operands": ["it_cost_run", "it_cost_improve", "it_cost_new"],
        "label_sv": "Säkerställa, förbättra och nyutveckla ska summera till den totala "
        "it-kostnaden.",
        "label_en": "Keep running, improve and new development must add up to the total IT cost.",
    },
    {
        "code": "it_cost_within_operating_cost",
        "kind": "at_least",
        "target": "operating_cost",
        "operands": ["it_cost_total", None],
        "label_sv": "Den totala it-kostnaden kan inte vara större än verksamhetskostnaden.",
        "label_en": "The total IT cost cannot exceed the operating cost.",
    },
] + [
    {
        "code": f"maturity_{code}_ambition",
        "kind": "at_least",
        "target": f"maturity_{code}_target",
        "operands": [f"maturity_{code}_current", f"maturity_{code}_comment"],
        "label_sv": "Målet är lägre än nuläget: förklara varför i kommentaren.",
        "label_en": "The target is below the current level: explain why in the comment.",
    }
    for code, *_ in MATURITY_AREAS
]

ITEMS = IT_COST_ITEMS + _maturity_items()

SECTIONS = [
    {"code": "it_costs", "label_sv": "It-kostnader", "label_en": "IT costs"},
    {"code": "maturity", "label_sv": "Mognad", "label_en": "Maturity"},
]

_SPLIT = "(it_cost_run + it_cost_improve + it_cost_new)"


def _figure(code, sv, en, unit, formula):
    return {"code": code, "label_sv": sv, "label_en": en, "unit": unit, "formula": formula}


KEY_FIGURES = [
    _figure(
        "it_cost_share",
        "It-kostnad som andel av verksamhetskostnaden",
        "IT cost as a share of operating cost",
        "%",
        "it_cost_total * 100 / operating_cost",
    ),
    _figure(
        "it_investment_share",
        "It-investeringar som andel av verksamhetskostnaden",
        "IT investments as a share of operating cost",
        "%",
        "it_investments * 100 / operating_cost",
    ),
    _figure(
        "hired_staff_share",
        "Inhyrd it-personal som andel av all it-personal",
        "Hired IT staff as a share of all IT staff",
        "%",
        "hired_it_staff * 100 / (internal_it_staff + hired_it_staff)",
    ),
    _figure(
        "it_cost_per_user",
        "It-kostnad per användare",
        "IT cost per user",
        "kr",
        "it_cost_total * 1000 / users",
    ),
    _figure(
        "outsourced_share",
        "Utkontrakterad it som andel av it-kostnaden",
        "Outsourced IT as a share of IT cost",
        "%",
        "it_cost_outsourced * 100 / it_cost_total",
    ),
    _figure(
        "cost_per_workstation",
        "It-kostnad per arbetsplats",
        "IT cost per workstation",
        "kr",
        "it_cost_total * 1000 / workstations",
    ),
    _figure(
        "telephony_per_user",
        "Telefonikostnad per användare",
        "Telephony cost per user",
        "kr",
        "it_cost_telephony * 1000 / users",
    ),
    _figure(
        "run_share",
        "Säkerställa, andel av it-kostnaden",
        "Keep running, share of IT cost",
        "%",
        f"it_cost_run * 100 / {_SPLIT}",
    ),
    _figure(
        "improve_share",
        "Förbättra, andel av it-kostnaden",
        "Improve, share of IT cost",
        "%",
        f"it_cost_improve * 100 / {_SPLIT}",
    ),
    _figure(
        "new_share",
        "Nyutveckla, andel av it-kostnaden",
        "New development, share of IT cost",
        "%",
        f"it_cost_new * 100 / {_SPLIT}",
    ),
]
