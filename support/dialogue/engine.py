"""The dialogue engine (filled by the dialogue work): classifies the message and runs the
intent's handler."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import Outcome, Reply, Turn


def respond(turn: Turn) -> Outcome:
    return Outcome(
        replies=[Reply(_("Sorry, I did not understand that. Could you say it another way?"))],
        understood=False,
    )
