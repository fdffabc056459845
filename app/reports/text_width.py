"""How wide a chart's text is drawn, so labels are fitted to their room rather than clipped at
the chart's edge. The advances are DejaVu Sans's (the PDFs' font, and among the widest of the
sans-serif fonts a browser may choose), in thousandths of an em; bold is about a tenth wider."""

_ADVANCES = {
    275: "'",
    278: "ijl",
    295: "IJ",
    318: " ,.\u00a0·",
    337: "/:;\\|",
    352: "f",
    361: "-",
    390: "()[]",
    392: "t",
    401: "!",
    411: "r",
    460: '"',
    500: "*_`–",
    521: "s",
    525: "z",
    531: "?",
    550: "c",
    557: "L",
    575: "F",
    579: "k",
    592: "vxy",
    603: "P",
    611: "TY",
    612: "oöó",
    613: "aåäá",
    615: "eéè",
    632: "EÉ",
    634: "hnuüú",
    635: "Sbdgpq",
    636: "$0123456789{}",
    656: "K",
    684: "AVÅÄ",
    685: "XZ",
    686: "B",
    695: "R",
    698: "C",
    732: "UÜ",
    748: "N",
    752: "H",
    770: "D",
    775: "G",
    780: "&",
    787: "OQÖ",
    818: "w",
    838: "#+<=>^~×",
    863: "M",
    950: "%",
    974: "m",
    989: "W",
    1000: "@—…",
}
_WIDTH = {char: advance / 1000 for advance, chars in _ADVANCES.items() for char in chars}
_UNKNOWN = 0.8  # wider than most letters: an unknown character is never under-measured
BOLD = 1.1


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    width = sum(_WIDTH.get(char, _UNKNOWN) for char in text) * font_size
    return width * BOLD if bold else width


def fit_text(text: str, room: float, font_size: float, bold: bool = False) -> str:
    """The text, or as much of it as fits in `room` followed by an ellipsis."""
    if text_width(text, font_size, bold) <= room:
        return text
    ellipsis = text_width("…", font_size, bold)
    kept = ""
    for char in text:
        if text_width(kept + char, font_size, bold) + ellipsis > room:
            break
        kept += char
    return kept.rstrip() + "…"
