"""What the datasets part does when a cycle moves (app/effects.py): approval freezes the
dataset, so the snapshot exists if and only if the approval does; publication makes it open
data, whose files exist from that moment."""

from app.accounts.models import User
from app.cycles.models import Cycle
from app.datasets.freezing import freeze
from app.datasets.open_data import publish
from app.effects import CYCLE_TRANSITION, subscribe


@subscribe(CYCLE_TRANSITION)
def freeze_or_publish(cycle: Cycle, trigger: str, actor: User) -> None:
    if trigger == "approve":
        freeze(cycle, actor)
    elif trigger == "publish":
        publish(cycle)
