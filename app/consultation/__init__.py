"""The consultation on a planned cycle's questionnaire: the authority sends the draft to the
agencies for comments with a deadline, answers each comment, decides on each commented item
and records the outcome, which is kept with the cycle and frozen with its dataset."""

from flask import Blueprint

bp = Blueprint("consultation", __name__)
