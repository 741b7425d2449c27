"""`story_faces`, `story_people`, the person commands and `story_retention`, through `materialize`
with the real face models on real photos in the real media store, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import dagster as dg
import insightface
import numpy as np
import pytest
import skimage.data
from sqlalchemy import select, update

from ig_assets.content.stories import story_retention
from ig_assets.content.story_rules import DOWNLOAD_GRACE
from ig_assets.faces.assets import story_faces, story_people
from ig_resources.database import DatabaseResource
from ig_resources.database.models import (
    InstagramProfile,
    InstagramStory,
    InstagramStoryFace,
    InstagramStoryPerson,
    MediaBlob,
    MediaPurge,
)
from ig_resources.database.people import PersonCommandError
from ig_resources.faces import FaceAnalysisResource
from ig_resources.instagram.session import parse_cookie_file
from ig_resources.media import MediaStore
from ig_resources.records import MediaResult, StoryWrite
from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, render_cookie_file

NOW = datetime.now(UTC).replace(microsecond=0)


def bgr(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR) if rgb.ndim == 3 else cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR)


def story_canvas(*pictures: np.ndarray) -> np.ndarray:
    """Pictures stacked on a 720×1280 story, as a phone lays out a story (one, or one above another)."""
    canvas = np.full((1280, 720, 3), 235, np.uint8)
    slot = 1280 // len(pictures)
    for i, picture in enumerate(pictures):
        h, w = picture.shape[:2]
        scale = min(720 / w, slot / h)
        scaled = cv2.resize(picture, (int(w * scale), int(h * scale)))
        top, left = i * slot + (slot - scaled.shape[0]) // 2, (720 - scaled.shape[1]) // 2
        canvas[top : top + scaled.shape[0], left : left + scaled.shape[1]] = scaled
    return canvas


def variants(picture: np.ndarray) -> list[np.ndarray]:
    """The same person four ways: as is, mirrored, darker, turned."""
    rotated = cv2.warpAffine(
        picture, cv2.getRotationMatrix2D((256, 256), 10, 1.0), (512, 512), borderMode=cv2.BORDER_REFLECT
    )
    return [picture, cv2.flip(picture, 1), (picture * 0.6).astype(np.uint8), rotated]


ASTRONAUT = bgr(skimage.data.astronaut())
CAMERA = bgr(skimage.data.camera())


@dataclass
class World:
    database: DatabaseResource
    instance: dg.DagsterInstance
    media: MediaStore
    faces: FaceAnalysisResource
    account_id: int
    profile_id: int
    counter: int = 0

    def resources(self) -> dict[str, Any]:
        return {"database": self.database, "media": self.media, "faces": self.faces}

    def add_story(self, picture: np.ndarray | bytes, *, age: timedelta = timedelta(hours=1)) -> int:
        """A story item of the profile with `picture` as its stored file (JPEG, or raw bytes as given)."""
        self.counter += 1
        story_id = str(3_000_000 + self.counter)
        taken = NOW - age
        self.database.stories.apply_stories(
            self.account_id,
            [
                StoryWrite(
                    self.profile_id,
                    story_id,
                    1,
                    taken,
                    taken + timedelta(hours=24),
                    "https://x/a.jpg",
                    None,
                    "https://x/a.jpg",
                    None,
                )
            ],
        )
        data = picture if isinstance(picture, bytes) else cv2.imencode(".jpg", picture)[1].tobytes()
        sha = hashlib.sha256(data).hexdigest()
        path = self.media.path_of(sha, "image/jpeg")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        with self.database.session() as s:
            row_id = s.scalar(select(InstagramStory.id).where(InstagramStory.story_id == story_id))
        self.database.stories.apply_story_media(
            self.account_id, [MediaResult(row_id, "succeeded", None, sha, "image/jpeg", len(data))], []
        )
        return row_id

    def run(self, asset: dg.AssetsDefinition, **config: Any) -> dict[str, Any]:
        run_config = {"ops": {asset.op.name: {"config": config}}} if config else None
        result = dg.materialize(
            [asset],
            partition_key="hana",
            instance=self.instance,
            resources=self.resources(),
            run_config=run_config,
        )
        assert result.success
        (event,) = result.get_asset_materialization_events()
        return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}

    def stories(self) -> dict[int, InstagramStory]:
        with self.database.session() as s:
            rows = s.scalars(select(InstagramStory)).all()
            s.expunge_all()
        return {r.id: r for r in rows}

    def faces_by_story(self) -> dict[int, list[InstagramStoryFace]]:
        out: dict[int, list[InstagramStoryFace]] = {}
        with self.database.session() as s:
            for f in s.scalars(select(InstagramStoryFace).order_by(InstagramStoryFace.face_index)):
                out.setdefault(f.instagram_story_id, []).append(f)
            s.expunge_all()
        return out

    def people(self) -> dict[str, InstagramStoryPerson]:
        with self.database.session() as s:
            rows = s.scalars(select(InstagramStoryPerson)).all()
            s.expunge_all()
        return {p.label: p for p in rows}


@pytest.fixture(scope="module")
def face_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("face-models"))


@pytest.fixture
def world(database: DatabaseResource, tmp_path: Path, face_cache: str) -> Iterator[World]:
    network = SandboxNetwork(
        NetworkSpec(seed=5, accounts=[AccountSpec(username="hana", followers=3, following=3)])
    )
    account = database.accounts.register(
        "hana", parse_cookie_file(render_cookie_file(network.session_cookies("hana")))
    )
    with database.session() as s:
        profile = InstagramProfile(
            instagram_account_id=account.id,
            username="ana",
            ig_user_id="901",
            following=True,
            follows_you=True,
        )
        s.add(profile)
        s.flush()
        profile_id = profile.id
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("instagram_accounts", ["hana"])
        yield World(
            database,
            instance,
            MediaStore(root=str(tmp_path / "media")),
            FaceAnalysisResource(cache_dir=face_cache),
            account.id,
            profile_id,
        )


def test_faces_then_people_with_stable_labels_roles_and_a_contact_sheet(world: World) -> None:
    closeup = story_canvas(ASTRONAUT[20:260, 120:360])  # a selfie: the face fills the middle
    astronaut = [world.add_story(story_canvas(v)) for v in variants(ASTRONAUT)[:3]] + [
        world.add_story(closeup)
    ]
    camera = [world.add_story(story_canvas(v)) for v in variants(CAMERA)[:3]]
    together = world.add_story(story_canvas(ASTRONAUT, CAMERA))
    coffee = world.add_story(bgr(skimage.data.coffee()))
    group = world.add_story(cv2.resize(insightface.data.get_image("t1"), (1280, 886)))
    broken = world.add_story(b"\xff\xd8\xff" + b"not really a jpeg" * 10)

    found = world.run(story_faces)
    faces, stories = world.faces_by_story(), world.stories()
    assert [len(faces.get(i, [])) for i in (*astronaut, *camera, together, coffee, group)] == [1] * 7 + [
        2,
        0,
        6,
    ]
    assert found["faces"] == 15
    assert found["items"] == 11
    assert found["items_failed"] == 1
    assert stories[broken].processing_status == "failed"
    assert "decoded" in stories[broken].processing_error
    assert all(stories[i].processing_status == "processed" for i in (*astronaut, coffee, group))
    face = faces[astronaut[0]][0]
    assert face.embedding_dim == len(face.embedding) == 128
    assert face.embedding_version == world.faces.model_name
    assert abs(np.linalg.norm(face.embedding) - 1) < 1e-3
    assert len(face.keypoints) == 5
    assert face.detector_confidence >= 0.7
    assert face.clusterable
    assert not face.prominent
    assert faces[astronaut[3]][0].prominent
    x1, y1, x2, y2 = face.bounding_box
    assert x2 - x1 == pytest.approx(face.face_size, abs=1) or y2 - y1 == pytest.approx(face.face_size, abs=1)

    people = world.run(story_people)
    by_label = world.people()
    astronaut_person = _person_of(world, astronaut[0])
    camera_person = _person_of(world, camera[0])
    assert astronaut_person != camera_person
    assert {_person_of(world, i).id for i in astronaut} == {astronaut_person.id}
    assert {_person_of(world, i).id for i in camera} == {camera_person.id}
    assert astronaut_person.appearance_count == 5
    assert camera_person.appearance_count == 4
    assert astronaut_person.role == "profile_owner"
    assert camera_person.role == "primary_person"
    assert astronaut_person.metadata_json["coappearance"] == {camera_person.label: 1}
    assert len(by_label) == 2  # the six strangers of the group photo are one face each: nobody yet
    assert all(f.instagram_story_person_id is None for f in world.faces_by_story()[group])
    sims = [
        f.match_similarity
        for fs in world.faces_by_story().values()
        for f in fs
        if f.instagram_story_person_id
    ]
    assert min(sims) >= 0.4
    jpeg = base64.b64decode(re.search(r"base64,([^)]+)\)", people["contact_sheet"]).group(1))
    sheet = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert sheet.shape[0] == 2 * 96  # one row per person

    # New stories of both: same people, same labels, more appearances; nothing else re-labelled.
    world.add_story(story_canvas(cv2.flip(CAMERA, 1)))
    world.add_story(story_canvas((ASTRONAUT * 0.8).astype(np.uint8)))
    world.run(story_faces)
    world.run(story_people)
    after = world.people()
    assert set(after) == set(by_label)
    assert after[astronaut_person.label].appearance_count == 6
    assert after[camera_person.label].appearance_count == 5
    assert after[astronaut_person.label].id == astronaut_person.id


def _person_of(world: World, story_id: int) -> InstagramStoryPerson:
    (face,) = world.faces_by_story()[story_id][:1]
    people = {p.id: p for p in world.people().values()}
    return people[face.instagram_story_person_id]


def test_person_commands_and_do_not_track(world: World) -> None:
    astronaut = [world.add_story(story_canvas(v)) for v in variants(ASTRONAUT)]
    camera = [world.add_story(story_canvas(v)) for v in variants(CAMERA)]
    world.run(story_faces)
    world.run(story_people)
    a, c = _person_of(world, astronaut[0]), _person_of(world, camera[0])
    db = world.database

    db.people.rename_person(world.account_id, a.id, "Eileen")
    assert world.people()[a.label].display_name == "Eileen"
    with pytest.raises(PersonCommandError, match="no person"):
        db.people.rename_person(world.account_id, 999_999, "x")

    # Split two astronaut faces off: they stay apart after re-clustering (manual faces are not re-clustered).
    split_faces = [("story", world.faces_by_story()[i][0].id) for i in astronaut[:2]]
    new_label = db.people.split_person(world.account_id, a.id, split_faces)
    assert world.people()[new_label].appearance_count == 2
    assert world.people()[a.label].appearance_count == 2
    world.add_story(story_canvas(cv2.flip(ASTRONAUT, 1)))
    world.run(story_faces)
    world.run(story_people)
    assert {_person_of(world, i).label for i in astronaut[:2]} == {new_label}
    assert {_person_of(world, i).label for i in astronaut[2:]} == {a.label}
    with pytest.raises(PersonCommandError, match="not a face of person"):
        db.people.split_person(world.account_id, a.id, [("story", world.faces_by_story()[camera[0]][0].id)])

    # Merge them back: one person again, for good.
    split_id = world.people()[new_label].id
    db.people.merge_people(world.account_id, a.id, split_id)
    world.run(story_people)
    assert new_label not in world.people()
    assert {_person_of(world, i).id for i in astronaut} == {a.id}

    # Do not track: the camera person's vectors go, and no later run brings them back.
    emptied = db.people.forget_person(world.account_id, c.id)
    assert emptied == 4
    assert all(f.embedding is None for i in camera for f in world.faces_by_story()[i])
    assert world.people()[c.label].canonical_embedding is None
    assert world.people()[c.label].do_not_track
    world.run(story_people)
    assert all(_person_of(world, i).id == c.id for i in camera)
    assert world.people()[c.label].canonical_embedding is None
    assert set(world.people()) == {a.label, c.label}


def test_retention_purges_expired_files_and_forgotten_vectors(world: World) -> None:
    old = [world.add_story(story_canvas(v), age=timedelta(days=10)) for v in variants(ASTRONAUT)]
    fresh = world.add_story(story_canvas(CAMERA))
    world.run(story_faces)
    world.run(story_people)
    files_before = {p.name for p in Path(world.media.root).rglob("*.jpg")}
    # A face reaches a forgotten person by hand after the flag (say a merge by an older client): purged too.
    person = _person_of(world, old[0])
    world.database.people.forget_person(world.account_id, person.id)
    with world.database.session() as s:
        s.execute(
            update(InstagramStoryFace)
            .where(InstagramStoryFace.instagram_story_id == old[0])
            .values(embedding=[0.1] * 128)
        )
    meta = world.run(story_retention, retention_hours=24 * 3)
    stories = world.stories()
    assert meta["stories_purged"] == 4
    assert meta["files_deleted"] == 4
    assert meta["bytes_freed"] > 0
    assert meta["embeddings_deleted"] == 1
    assert all(stories[i].media_purged_at and stories[i].media_sha256 is None for i in old)
    assert stories[fresh].media_sha256
    assert stories[fresh].media_purged_at is None
    files_after = {p.name for p in Path(world.media.root).rglob("*.jpg")}
    assert len(files_before) - len(files_after) == 4
    assert world.faces_by_story()[old[1]], "faces stay as the record of who was there"
    with world.database.session() as s:
        (purge,) = s.scalars(select(MediaPurge)).all()
        assert purge.stories == 4
        assert purge.retention_hours == 72
    assert world.run(story_retention, retention_hours=72)["stories_purged"] == 0


def test_a_purge_stopped_half_way_is_done_again(world: World) -> None:
    old = [world.add_story(story_canvas(v), age=timedelta(days=10)) for v in variants(ASTRONAUT)[:2]]
    due = world.database.stories.stories_to_purge(world.account_id, NOW - timedelta(days=3))
    assert sorted(due.story_ids) == sorted(old)
    assert len(due.files) == 2
    Path(world.media.path_of(*due.files[0])).unlink()  # the run died after deleting one file
    meta = world.run(story_retention, retention_hours=72)
    assert meta["stories_purged"] == 2
    assert meta["files_deleted"] == 2
    assert not any(Path(world.media.path_of(*f)).exists() for f in due.files)


def test_a_story_never_stored_stops_being_tried_after_its_links_die(world: World) -> None:
    taken = NOW - timedelta(days=4)
    world.database.stories.apply_stories(
        world.account_id,
        [
            StoryWrite(world.profile_id, "77", 1, taken, taken + timedelta(hours=24), "u", None, "u", None),
            StoryWrite(world.profile_id, "78", 1, NOW, NOW + timedelta(hours=24), "u", None, "u", None),
        ],
    )
    stories = world.database.stories
    due = stories.stories_needing_media(world.account_id, 10, give_up_before=NOW - DOWNLOAD_GRACE)
    assert [c.url for c in due] == ["u"]
    stale = next(s for s in world.stories().values() if s.story_id == "77")
    assert stale.processing_status == "failed"
    assert stale.media_skip_reason == "expired_before_download"


def test_a_missing_model_stops_the_run_with_what_to_fix(world: World, tmp_path: Path) -> None:
    world.add_story(story_canvas(ASTRONAUT))
    empty = tmp_path / "no-pack"
    empty.mkdir()
    result = dg.materialize(
        [story_faces],
        partition_key="hana",
        instance=world.instance,
        resources={**world.resources(), "faces": FaceAnalysisResource(model_root=str(empty))},
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "face models" in failure.event_specific_data.error.message
    assert "no-pack" in str(failure.event_specific_data.error.message)
    assert all(s.processing_status == "pending" for s in world.stories().values())


def test_the_profile_picture_face_weighs_toward_the_owner(world: World) -> None:
    astronaut = [world.add_story(story_canvas(v)) for v in variants(ASTRONAUT)]
    camera = [world.add_story(story_canvas(v)) for v in variants(CAMERA)[:3]]
    world.run(story_faces)
    world.run(story_people)
    assert _person_of(world, astronaut[0]).role == "profile_owner"  # four appearances against three

    # The profile picture is the cameraman: his three appearances count double and he is the owner.
    avatar = cv2.imencode(".jpg", cv2.resize(CAMERA[40:300, 120:380], (320, 320)))[1].tobytes()
    sha = hashlib.sha256(avatar).hexdigest()
    path = world.media.path_of(sha, "image/jpeg")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(avatar)
    with world.database.session() as s:
        s.add(MediaBlob(sha256=sha, content_type="image/jpeg", byte_size=len(avatar)))
        s.execute(
            update(InstagramProfile).where(InstagramProfile.id == world.profile_id).values(avatar_sha256=sha)
        )
        s.execute(
            update(InstagramStoryFace).values(assigned_by=None)
        )  # the next run looks at the profile again
    world.run(story_people)
    owner = _person_of(world, camera[0])
    assert owner.role == "profile_owner"
    assert owner.metadata_json["matches_avatar"]
    assert _person_of(world, astronaut[0]).role == "primary_person"
