"""A person's history chunks (`DatabaseResource.history_entries`) read back into their own words and
counts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+", re.MULTILINE)
#: the lines of a history chunk (`DatabaseResource.history_entries`), after their date
_HISTORY_POST = re.compile(r"^\w+ post: (.*?)(?: — topics: [^;]*; sentiment: \w+)?$")
_HISTORY_COMMENT = re.compile(r"^commented on @[\w.]+'s post: (.*)$")
_HISTORY_STORY = re.compile(r"^(?:photo|video) story\b")


@dataclass
class _History:
    #: the person's own words: captions and the comments they wrote, oldest first
    texts: list[str] = field(default_factory=list)
    posts: int = 0
    stories: int = 0
    comments: int = 0


def _history(chunks: Sequence[str]) -> _History:
    out = _History()
    for chunk in chunks:
        for line in _DATE_PREFIX.sub("", chunk).splitlines():
            if not (line := line.strip()):
                continue
            if m := _HISTORY_POST.match(line):
                out.posts += 1
                if (caption := m.group(1).strip()) and caption != "(no caption)":
                    out.texts.append(caption)
            elif m := _HISTORY_COMMENT.match(line):
                out.comments += 1
                out.texts.append(m.group(1).strip())
            elif _HISTORY_STORY.match(line):
                out.stories += 1
            else:
                out.texts.append(line)
    return out
