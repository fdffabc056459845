"""Self-assessment: any agency fills in the questionnaire of the latest published cycle for
itself and sees at once where it stands against that published dataset. Private to the
agency's users unless it chooses to share it with the authority; never part of a dataset."""

from flask import Blueprint

bp = Blueprint("self_assessment", __name__)
