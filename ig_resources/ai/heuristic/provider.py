"""The provider: the purposes answered by the engines."""

from __future__ import annotations

from pydantic import BaseModel

from ..provider import Answer, ProviderCallError, Task, Usage
from ..rules import HEURISTIC
from ..schemas import DemographicsInput, PostInput, ProfileInput, StrategyInput
from .demographics import demographics
from .posts import post_insight
from .profile import profile_insight
from .strategy import message_strategy

#: bump whenever a rule or a lexicon changes: the model name is part of every analysis' cache key
VERSION = 1


def _as(model: type[BaseModel], data: BaseModel) -> BaseModel:
    return data if isinstance(data, model) else model.model_validate(data.model_dump())


class HeuristicProvider:
    """Rules and lexicons, offline: always healthy, answers in well under a millisecond."""

    name = HEURISTIC
    remote = False
    model = f"heuristic-{VERSION}"

    def check_health(self) -> tuple[bool, str | None]:
        return True, None

    def analyze(self, task: Task) -> Answer:
        purpose = task.purpose.name
        if purpose == "post_insight":
            parsed: BaseModel = post_insight(_as(PostInput, task.data))  # type: ignore[arg-type]
        elif purpose == "profile_insight":
            parsed = profile_insight(_as(ProfileInput, task.data))  # type: ignore[arg-type]
        elif purpose == "message_strategy":
            parsed = message_strategy(_as(StrategyInput, task.data))  # type: ignore[arg-type]
        elif purpose == "profile_demographics":
            parsed = demographics(_as(DemographicsInput, task.data))  # type: ignore[arg-type]
        else:
            raise ProviderCallError(f"the heuristic provider has no rules for {purpose!r}", status=400)
        return Answer(parsed=parsed, response_text=parsed.model_dump_json(), usage=Usage())
