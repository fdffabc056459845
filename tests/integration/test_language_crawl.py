"""Every page in one language: a crawl of the demo (a published cycle, an open one with
submissions in every state and questions, a planned one), as each role, in English and in
Swedish. An English page holding a Swedish sentence of the catalogue — or a Swedish page
an English one — fails, with the page and the string named."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po

from app.seed import seed_demo
from tests import factories
from tests.unit.test_translations import CATALOGUE

# Pages of one pattern (ids replaced) visited at most this often: the words are the same.
PER_PATTERN = 2
# Pieces of one word are too often a name or a code in the data ("Alva Administratör").
MIN_WORDS = 2
# Files, and links that change state or end the session, are not pages to read.
SKIP = re.compile(r"\.(pdf|csv|xlsx|zip|json|jsonld)$|/logout|/excel$|/dataset/|/open-data/\d+/")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]")


class PageText(HTMLParser):
    """The text a reader of the page's language reads: no scripts or styles, no text being
    edited, and nothing marked as another language (the language switch, "Feedback report in
    English")."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language, self.stack, self.parts, self.links = language, [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in ("aria-label", "title", "alt", "placeholder"):
            if attributes.get(name) and not self._foreign():
                self.parts.append(attributes[name])
        if tag in VOID:
            return
        lang = attributes.get("lang", "")
        foreign = bool(lang) and not lang.startswith(self.language)
        # A textarea holds what someone wrote (options "value | Swedish | English"), not words
        # of the app.
        self.stack.append((tag, foreign or tag in ("script", "style", "textarea")))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def _foreign(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_data(self, data):
        if not self._foreign():
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts).replace("\u00a0", " "))


def _catalogue_pairs() -> list[tuple[str, str]]:
    """(English source, Swedish translation) of every whole string of the catalogue."""
    pairs = []
    for message in read_po(CATALOGUE.open("rb"), locale="sv"):
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(i, s) for i, s in zip(ids, strings, strict=False) if s]
    return pairs


def _telltales(language: str) -> list[str]:
    """Strings of the other language that cannot be read as this one: placeholders split out,
    only pieces of three words or more, and none that this language's strings also contain."""
    pairs = _catalogue_pairs()
    own = " | ".join(source if language == "en" else swedish for source, swedish in pairs)
    other = [swedish if language == "en" else source for source, swedish in pairs]
    pieces = set()
    for text in other:
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]|[“”\"():;.!?]", text):
            piece = re.sub(r"\s+", " ", piece).strip(" ,–-")
            if len(piece.split(" ")) >= MIN_WORDS and WORD.search(piece) and piece not in own:
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def _finder(pieces: list[str]) -> re.Pattern:
    """One pattern for every piece, as whole words ("för" is not found in "förra")."""
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, pieces)) + r")(?!\w)")


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _crawl(client, start: str, language: str, seen: dict) -> dict[str, str]:
    """path → text of every page reachable by links from `start`, a few of each pattern."""
    texts, queue = {}, [start]
    while queue:
        path = queue.pop(0)
        pattern = _pattern(path)
        if path in texts or seen.get(pattern, 0) >= PER_PATTERN or SKIP.search(path):
            continue
        response = client.get(path)
        if response.status_code in (301, 302, 303) and not texts.get(path):
            texts[path] = ""  # a landing page that sends each role on
            queue.append(urlsplit(urljoin("http://localhost" + path, response.location)).path)
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        seen[pattern] = seen.get(pattern, 0) + 1
        parser = PageText(language)
        parser.feed(response.get_data(as_text=True))
        texts[path] = parser.text()
        for href in parser.links:
            target = urlsplit(urljoin("http://localhost" + path, href))
            if target.netloc == "localhost" and target.path not in texts:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return texts


@pytest.fixture
def demo(app):
    seed_demo(agencies=10)
    factories.make_cycle(2027, status="planned", questionnaire=True)


ROLES = [
    "admin@granska.example",
    "granskare@granska.example",
    "redaktor@skatteverket.example",
    "lasare@skatteverket.example",
]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_every_page_speaks_one_language(client, demo, language):
    telltales = _finder(_telltales(language))
    found, seen = [], {}
    for email in ROLES:
        client.login(email, "granska-demo-2026")
        client.post("/language", {"lang": language})
        for path, text in _crawl(client, "/", language, seen).items():
            found += [f"{path}: {piece!r}" for piece in set(telltales.findall(text))]
        client.logout()
    assert len(seen) > 40, sorted(seen)  # the crawl reached the pages, not only a login form
    assert found == [], "\n".join(found)
