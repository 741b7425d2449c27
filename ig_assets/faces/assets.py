"""`story_faces`, `post_faces` and `story_people`: the faces in stored stories and posts, and the
people of each profile they belong to."""

import time
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import dagster as dg
import numpy as np

from ig_assets.accounts.session import known_account
from ig_assets.content.media import post_media
from ig_assets.content.stories import stories
from ig_assets.network.profiles import avatars
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.face_settings import FaceModelError
from ig_resources.faces import FaceAnalysisResource
from ig_resources.media import EXTENSIONS, MediaStore
from ig_resources.records import FaceScan, FaceWrite, MediaForFaces

from .contact_sheet import contact_sheet, sheet_markdown
from .people import recluster_profile
from .rules import MAX_DISTANCE, MIN_FACE_SIZE, MIN_SCORE, clusterable, prominent


class FacesConfig(dg.Config):
    """Items per run and the floors under which a face is kept but not clustered."""

    batch_size: int = 500
    min_face_size: float = MIN_FACE_SIZE
    min_score: float = MIN_SCORE


def _loaded(faces: FaceAnalysisResource) -> None:
    try:
        faces.load()
    except FaceModelError as exc:
        # A missing or broken model stops the run with what to fix; nothing is marked processed.
        raise dg.Failure(description=f"face models: {exc}", allow_retries=False) from None


def scan_faces(
    faces: FaceAnalysisResource, media: MediaStore, items: list[MediaForFaces], config: FacesConfig
) -> list[FaceScan]:
    """Each item's faces from its stored file (video: frames sampled by the resource), or why not."""
    scans = []
    for item in items:
        path = media.path_of(item.sha256, item.content_type)
        if not path.exists():
            scans.append(FaceScan(item.id, item.profile_id, [], error="the stored file is missing"))
            continue
        try:
            if item.content_type.startswith("video/"):
                found = faces.analyze_video(path)
                width, height = _video_size(str(path))
            else:
                image = cv2.imread(str(path), cv2.IMREAD_COLOR)
                if image is None:
                    raise ValueError(f"{item.content_type} file could not be decoded as an image")
                found = faces.analyze_image(image)
                height, width = image.shape[:2]
        except ValueError as exc:
            scans.append(FaceScan(item.id, item.profile_id, [], error=str(exc)))
            continue
        scans.append(
            FaceScan(
                item.id,
                item.profile_id,
                [
                    FaceWrite(
                        face_index=i,
                        bounding_box=[round(float(v), 1) for v in f.bbox],
                        detector_confidence=round(float(f.det_score), 4),
                        keypoints=[[round(float(x), 1), round(float(y), 1)] for x, y in f.kps],
                        face_size=round(float(f.size), 1),
                        frame_time=f.frame_time,
                        embedding=[round(float(x), 6) for x in f.embedding],
                        embedding_version=faces.model_name,
                        embedding_dim=int(f.embedding.shape[0]),
                        clusterable=clusterable(
                            f.size, f.det_score, min_size=config.min_face_size, min_score=config.min_score
                        ),
                        prominent=prominent(f.bbox, width, height),
                    )
                    for i, f in enumerate(found)
                ],
            )
        )
    return scans


def _video_size(path: str) -> tuple[int, int]:
    capture = cv2.VideoCapture(path)
    try:
        return int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    finally:
        capture.release()


def _scan_metadata(scans: list[FaceScan], seconds: float, faces: FaceAnalysisResource) -> dict[str, Any]:
    found = [f for sc in scans for f in sc.faces]
    return {
        "items": len(scans),
        "items_failed": sum(1 for sc in scans if sc.error),
        "errors": dg.MetadataValue.json(dict(Counter(sc.error for sc in scans if sc.error))),
        "faces": len(found),
        "faces_clusterable": sum(1 for f in found if f.clusterable),
        "faces_per_item": dg.MetadataValue.json(dict(sorted(Counter(len(sc.faces) for sc in scans).items()))),
        "model": faces.model_name,
        "embedding_dim": faces.embedding_dim,
        "seconds": round(seconds, 2),
        "dagster/row_count": len(found),
        "items_per_second": round(len(scans) / seconds, 2) if seconds else 0.0,
    }


def face_scan_asset(kind: str, after: dg.AssetsDefinition, description: str) -> dg.AssetsDefinition:
    """`<kind>_faces`: the faces of the account's stored `kind` files not read yet (story or post)."""

    @dg.asset(
        name=f"{kind}_faces",
        partitions_def=account_partitions,
        group_name="faces",
        kinds={"python", "sql"},
        deps=[after],
        description=description,
    )
    def scan(
        context: dg.AssetExecutionContext,
        config: FacesConfig,
        database: DatabaseResource,
        media: MediaStore,
        faces: FaceAnalysisResource,
    ) -> dg.MaterializeResult:
        account_id = known_account(database, context.partition_key).id
        _loaded(faces)
        started = time.perf_counter()
        due = database.faces.needing_faces(kind, account_id, config.batch_size)
        scans = scan_faces(faces, media, due, config)
        database.faces.apply_face_scans(account_id, kind, scans)
        return dg.MaterializeResult(metadata=_scan_metadata(scans, time.perf_counter() - started, faces))

    return scan


story_faces = face_scan_asset(
    "story",
    stories,
    "Faces of the stored story files not read yet (`instagram_story_faces`): box, detector score, five "
    "keypoints, size, the normalised embedding with its model and length; videos at the resource's frame "
    "rate, each person once per video. The story turns `processed` (or `failed` with why).",
)
post_faces = face_scan_asset(
    "post",
    post_media,
    "Faces of the stored post files not read yet (`instagram_post_faces`), as `story_faces` reads them.",
)


class StoryPeopleConfig(dg.Config):
    """`max_distance` (cosine) and `min_faces` are immich's core rule: a face founds a person when
    `min_faces` faces, itself included, lie within `max_distance` of it."""

    max_distance: float = MAX_DISTANCE
    min_faces: int = 3
    sheet_people: int = 12
    sheet_faces: int = 6


@dg.asset(
    partitions_def=account_partitions,
    group_name="faces",
    kinds={"python", "sql"},
    deps=[story_faces, post_faces, avatars],
)
def story_people(
    context: dg.AssetExecutionContext,
    config: StoryPeopleConfig,
    database: DatabaseResource,
    media: MediaStore,
    faces: FaceAnalysisResource,
) -> dg.MaterializeResult:
    """The people of each profile with new faces (`instagram_story_people`): its faces from stories and
    posts clustered again, people carried over by their centroids so labels stay, roles
    (`profile_owner` weighted toward selfies and the avatar's face, then `primary_person`,
    `secondary_person`), co-appearances in `metadata`, each face's `match_similarity`. Faces placed by
    a person's command stay where they were put. The contact sheet shows the most-seen people."""
    account_id = known_account(database, context.partition_key).id
    _loaded(faces)
    profiles = database.faces.profiles_with_unclustered_faces(account_id, faces.model_name)
    roles: Counter[str] = Counter()
    people_total = 0
    for profile_id in profiles:
        plan = recluster_profile(
            database.faces.profile_faces(profile_id, faces.model_name),
            database.people.people_of_profile(profile_id),
            embedding_version=faces.model_name,
            max_distance=config.max_distance,
            min_faces=config.min_faces,
            avatar_embedding=_avatar_embedding(database, media, faces, profile_id),
        )
        database.people.apply_people(account_id, profile_id, plan.people, plan.assignments, plan.emptied)
        roles.update(p.role for p in plan.people)
        people_total += len(plan.people)
    samples = database.people.person_face_samples(account_id, config.sheet_people, config.sheet_faces)
    metadata: dict[str, Any] = {
        "profiles_clustered": len(profiles),
        "people": people_total,
        "roles": dg.MetadataValue.json(dict(roles)),
        "max_distance": config.max_distance,
        "dagster/row_count": people_total,
    }
    if jpeg := contact_sheet(samples, lambda sha, ct: str(media.path_of(sha, ct)), config.sheet_faces):
        metadata["contact_sheet"] = dg.MetadataValue.md(sheet_markdown(jpeg, samples))
        # Also beside the store, for operators without the UI at hand.
        sheet = Path(media.root) / "contact-sheets" / f"{context.partition_key}-people.jpg"
        sheet.parent.mkdir(parents=True, exist_ok=True)
        sheet.write_bytes(jpeg)
        metadata["contact_sheet_path"] = dg.MetadataValue.path(str(sheet))
    context.log.info(f"{context.partition_key}: {people_total} people in {len(profiles)} profiles")
    return dg.MaterializeResult(metadata=metadata)


def _avatar_embedding(
    database: DatabaseResource, media: MediaStore, faces: FaceAnalysisResource, profile_id: int
) -> list[float] | None:
    """The largest face of the profile's stored avatar, read once per avatar file."""
    avatar_sha, content_type, read_sha, embedding = database.faces.avatar_face(profile_id)
    if avatar_sha is None:
        return None
    if avatar_sha == read_sha and (embedding is None or len(embedding) == faces.embedding_dim):
        return embedding  # read before, by a model of this vector length
    embedding = None
    path = media.path_of(avatar_sha, content_type) if content_type in EXTENSIONS else None
    image = cv2.imread(str(path), cv2.IMREAD_COLOR) if path and path.exists() else None
    if image is not None and (found := faces.analyze_image(image)):
        embedding = [round(float(x), 6) for x in np.asarray(found[0].embedding)]
    database.faces.set_avatar_face(profile_id, avatar_sha, embedding)
    return embedding
