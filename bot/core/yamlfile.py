"""Reading YAML content with libyaml's C parser when PyYAML has it (its wheels do).

Content is read at every start, `content check` reads it again, and the test suite starts
the bot hundreds of times. The C parser (`CSafeLoader`) is about fifteen times faster than
the pure-Python one and builds the same data with the same safe types; where PyYAML was
built without libyaml, the pure-Python `SafeLoader` is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str) -> Any:
    """The data of a YAML text (safe types only); raises yaml.YAMLError."""
    return yaml.load(text, Loader=LOADER)


def read(path: Path) -> Any:
    """The data of a UTF-8 YAML file; raises OSError, UnicodeDecodeError or yaml.YAMLError."""
    return parse(path.read_text(encoding="utf-8"))
