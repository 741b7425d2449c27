"""Which faces count: the clustering floors and selfie-like faces."""

from ig_assets.faces.rules import clusterable, prominent


def test_small_or_unsure_faces_are_not_clustered() -> None:
    assert clusterable(120, 0.9)
    assert not clusterable(30, 0.95)  # too small to identify
    assert not clusterable(200, 0.6)  # the detector is not sure it is a face
    assert clusterable(30, 0.6, min_size=20, min_score=0.5)


def test_prominent_is_large_and_central() -> None:
    assert prominent((250, 300, 470, 560), 720, 1280)  # a selfie close-up
    assert not prominent((10, 300, 230, 560), 720, 1280)  # large but at the edge
    assert not prominent((340, 600, 380, 650), 720, 1280)  # central but small
    assert not prominent((0, 0, 10, 10), 0, 0)
