"""The schema (seed 004) as SQLAlchemy 2 models, one module per domain; importing it registers every table."""

from .accounts import InstagramAccount, InstagramAccountMetric, InstagramRequestLog, SyncRun
from .ai import (
    AIAnalysis,
    AIApiCall,
    AIProviderSetting,
    InstagramPostEntity,
    InstagramPostInsight,
    InstagramProfileBehaviorProfile,
    InstagramProfileHistoryChunk,
    InstagramProfileInsight,
    InstagramProfileMessageStrategy,
    InstagramProfileSignalEvidence,
)
from .base import Base, Timestamps, utcnow
from .content import DiscoveredAccount, InstagramProfilePost, InstagramProfilePostComment
from .graph import (
    ConversationPeer,
    InstagramProfile,
    InstagramProfileActionLog,
    InstagramProfileEvent,
    InstagramProfileMetric,
    InstagramProfileSnapshot,
    InstagramProfileTagging,
    MediaBlob,
    ProfileTag,
)
from .stories import InstagramPostFace, InstagramStory, InstagramStoryFace, InstagramStoryPerson, MediaPurge

__all__ = [
    "AIAnalysis",
    "AIApiCall",
    "AIProviderSetting",
    "Base",
    "ConversationPeer",
    "DiscoveredAccount",
    "InstagramAccount",
    "InstagramAccountMetric",
    "InstagramPostEntity",
    "InstagramPostFace",
    "InstagramPostInsight",
    "InstagramProfile",
    "InstagramProfileActionLog",
    "InstagramProfileBehaviorProfile",
    "InstagramProfileEvent",
    "InstagramProfileHistoryChunk",
    "InstagramProfileInsight",
    "InstagramProfileMessageStrategy",
    "InstagramProfileMetric",
    "InstagramProfilePost",
    "InstagramProfilePostComment",
    "InstagramProfileSignalEvidence",
    "InstagramProfileSnapshot",
    "InstagramProfileTagging",
    "InstagramRequestLog",
    "InstagramStory",
    "InstagramStoryFace",
    "InstagramStoryPerson",
    "MediaBlob",
    "MediaPurge",
    "ProfileTag",
    "SyncRun",
    "Timestamps",
    "utcnow",
]
