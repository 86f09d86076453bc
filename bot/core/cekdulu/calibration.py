"""How the learned reading joins the rules' verdict (docs/cekdulu.md, "Learned reading").

Two moves, each only where the model is confident, never "danger" → "looks fine":
- a rule says danger, but the model reads the text as genuine (fraud probability below
  `demote_below`): the verdict becomes "needs checking", with a note saying why. Warnings
  and announcements that quote a red flag in a way the negation rules did not foresee are
  the usual case; a fraudulent text demoted this way is still flagged. When the model
  also reads the text as a warning or news (probability at least `advice_at`) and the
  engine itself found a warning or news phrase or a negated red flag in it, the verdict is
  "advice" instead: both readings agree that it is not an offer;
- no rule found anything to check, but the model reads the text as fraud (probability at
  least `promote_at`): the verdict becomes "needs checking", with a plain reason that says
  what to check. A text shorter than MIN_WORDS words (a name, a phone number) is not read:
  the register and the tip-offs answer those.

Both numbers come from bench/cekdulu_calibrate.py, which chooses them on scores of texts
the model never trained on (each writer's set left out in turn) and writes them to
bot/data/cekdulu_calibration.json, with the provenance of the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CALIBRATION = Path(__file__).resolve().parents[2] / "data/cekdulu_calibration.json"
MIN_WORDS = 6  # shorter inputs are names, numbers or links: not read as offers


@dataclass(frozen=True)
class Calibration:
    demote_below: float = 0.0  # danger → needs checking when P(fraud) is below this
    promote_at: float = 1.01  # nothing found → needs checking when P(fraud) reaches this
    advice_at: float = 1.01  # a demoted danger → advice when P(warning or news) reaches this

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        """The calibrated numbers; without the file, ones that change nothing (the rules
        alone), as bench/cekdulu_calibrate.py needs before its first run."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        decision = data["decision"]
        return cls(**{k: float(decision[k]) for k in ("demote_below", "promote_at", "advice_at")})

    def to_json(self, provenance: dict[str, object]) -> str:
        decision = {
            "demote_below": self.demote_below,
            "promote_at": self.promote_at,
            "advice_at": self.advice_at,
        }
        payload = {"provenance": provenance, "decision": decision}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def readable(text: str) -> bool:
    """Whether a text is long enough to be read as an offer or a message."""
    return len(text.split()) >= MIN_WORDS
