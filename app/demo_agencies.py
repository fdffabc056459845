"""About seventy Swedish agencies for the demo: (name, peer group code, ministry), and as many
generated ones after them as a larger demo asks for."""

FI, S, U, J, KN, A, LI, KU, F, UD = (
    "Finansdepartementet",
    "Socialdepartementet",
    "Utbildningsdepartementet",
    "Justitiedepartementet",
    "Klimat- och näringslivsdepartementet",
    "Arbetsmarknadsdepartementet",
    "Landsbygds- och infrastrukturdepartementet",
    "Kulturdepartementet",
    "Försvarsdepartementet",
    "Utrikesdepartementet",
)

DEMO_AGENCIES = [
    ("Arbetsförmedlingen", "esam", A),
    ("Bolagsverket", "esam", KN),
    ("Centrala studiestödsnämnden", "esam", U),
    ("Domstolsverket", "esam", J),
    ("E-hälsomyndigheten", "esam", S),
    ("Ekonomistyrningsverket", "esam", FI),
    ("Försäkringskassan", "esam", S),
    ("Kriminalvården", "esam", J),
    ("Kronofogdemyndigheten", "esam", FI),
    ("Lantmäteriet", "esam", LI),
    ("Läkemedelsverket", "esam", S),
    ("Migrationsverket", "esam", J),
    ("Myndigheten för civilt försvar", "esam", F),
    ("Myndigheten för digital förvaltning", "esam", FI),
    ("Naturvårdsverket", "esam", KN),
    ("Pensionsmyndigheten", "esam", S),
    ("Polismyndigheten", "esam", J),
    ("Riksarkivet", "esam", KU),
    ("Skatteverket", "esam", FI),
    ("Skolverket", "esam", U),
    ("Socialstyrelsen", "esam", S),
    ("Statens servicecenter", "esam", FI),
    ("Statistiska centralbyrån", "esam", FI),
    ("Tillväxtverket", "esam", KN),
    ("Trafikverket", "esam", LI),
    ("Transportstyrelsen", "esam", LI),
    ("Tullverket", "esam", FI),
    ("Jordbruksverket", "esam", LI),
    ("Folkhälsomyndigheten", "esam", S),
    ("Boverket", "esam", LI),
    ("Uppsala universitet", "higher_education", U),
    ("Lunds universitet", "higher_education", U),
    ("Göteborgs universitet", "higher_education", U),
    ("Stockholms universitet", "higher_education", U),
    ("Umeå universitet", "higher_education", U),
    ("Linköpings universitet", "higher_education", U),
    ("Karolinska institutet", "higher_education", U),
    ("Kungliga Tekniska högskolan", "higher_education", U),
    ("Luleå tekniska universitet", "higher_education", U),
    ("Karlstads universitet", "higher_education", U),
    ("Linnéuniversitetet", "higher_education", U),
    ("Örebro universitet", "higher_education", U),
    ("Mittuniversitetet", "higher_education", U),
    ("Malmö universitet", "higher_education", U),
    ("Mälardalens universitet", "higher_education", U),
    ("Högskolan i Gävle", "higher_education", U),
    ("Högskolan i Borås", "higher_education", U),
    ("Högskolan Dalarna", "higher_education", U),
    ("Södertörns högskola", "higher_education", U),
    ("Sveriges lantbruksuniversitet", "higher_education", LI),
    ("Arbetsmiljöverket", "other", A),
    ("Fortifikationsverket", "other", FI),
    ("Kammarkollegiet", "other", FI),
    ("Konsumentverket", "other", FI),
    ("Livsmedelsverket", "other", LI),
    ("Länsstyrelsen i Stockholms län", "other", FI),
    ("Länsstyrelsen i Skåne län", "other", FI),
    ("Länsstyrelsen i Västra Götalands län", "other", FI),
    ("Naturhistoriska riksmuseet", "other", KU),
    ("Post- och telestyrelsen", "other", LI),
    ("Riksgäldskontoret", "other", FI),
    ("Sveriges meteorologiska och hydrologiska institut", "other", KN),
    ("Styrelsen för internationellt utvecklingssamarbete", "other", UD),
    ("Sveriges geologiska undersökning", "other", KN),
    ("Statens institutionsstyrelse", "other", S),
    ("Strålsäkerhetsmyndigheten", "other", KN),
    ("Valmyndigheten", "other", J),
    ("Upphandlingsmyndigheten", "other", FI),
    ("Energimyndigheten", "other", KN),
    ("Sjöfartsverket", "other", LI),
]


# Generated agencies are spread over the peer groups about as the named ones are.
GENERATED_GROUPS = ("other", "esam", "other", "higher_education", "other")
MINISTRIES = (FI, S, U, J, KN, A, LI, KU, F, UD)


def _across_groups(numbered: list, keep: tuple[str, ...]) -> list:
    """The named agencies, taking one of each peer group in turn, so a small demo has peers
    in every group."""
    by_group: dict[str, list] = {}
    for agency in numbered:
        if agency[1] not in keep:
            by_group.setdefault(agency[2], []).append(agency)
    queues = list(by_group.values())
    order = []
    while any(queues):
        order += [queue.pop(0) for queue in queues if queue]
    return order


def demo_agency_list(count: int, keep: tuple[str, ...] = ()) -> list[tuple[int, str, str, str]]:
    """The first `count` demo agencies as (number, name, peer group, ministry): the named ones
    in order (those in `keep` always among them), then generated ones. An agency's number,
    and so its organisation number, is the same at every size."""
    numbered = [(index + 1, *agency) for index, agency in enumerate(DEMO_AGENCIES)]
    if count <= len(numbered):
        kept = [a for a in numbered if a[1] in keep]
        return sorted(kept + _across_groups(numbered, keep)[: max(count - len(kept), 0)])
    generated = [
        (
            number,
            f"Exempelmyndighet {number:03d}",
            GENERATED_GROUPS[number % len(GENERATED_GROUPS)],
            MINISTRIES[number % len(MINISTRIES)],
        )
        for number in range(len(numbered) + 1, count + 1)
    ]
    return numbered + generated
