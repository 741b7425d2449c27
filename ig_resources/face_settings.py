"""What the face resource says about its models without loading them (insightface, onnx and OpenCV
take a second to import: every run process would pay it, faces or not)."""

from pathlib import Path
from typing import Final

DEFAULT_CACHE_DIR: Final = Path("~/.cache/ig-pipeline/faces")
OFFLINE_MODEL_NAME: Final = "yunet-2023mar+sface-2021dec"
SFACE_DIM: Final = 128


class FaceModelError(RuntimeError):
    """A face model is missing, is not the expected file, or cannot be loaded."""
