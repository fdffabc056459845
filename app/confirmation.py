"""What a confirmed change will do, for the page that asks to confirm it
(`templates/macros/confirm.html`): a cycle's transition, exempting or reopening a submission."""

from dataclasses import dataclass, field


@dataclass
class Consequences:
    effects: list[str] = field(default_factory=list)  # what happens, in numbers
    permanent: list[str] = field(default_factory=list)  # what can never change afterwards
    warnings: list[str] = field(default_factory=list)  # why it may be the wrong moment
    undo: str = ""  # how to go back, when one can
    counts: list[tuple[str, int]] = field(default_factory=list)  # submissions per status
