"""Export the kept images as a class-folder dataset (ultralytics classification layout).

Split as in the study: within each class, images in a stable order (their relative path), every 5th one
(the 5th, 10th, ...) goes to validation, the others to training: a class needs at least 5 kept images to have one
validation image. Only face crops are exported: an image whose crop is not confirmed (no face found, or several
faces and none picked yet) is left out and named in the result, never written as the whole picture.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.labelling.classes import CLASSES
from fshd_studio.labelling.images import cropped
from fshd_studio.labelling.majority import Aggregate
from fshd_studio.labelling.store import VoteStore, group_readable

EVERY = 5


def split_every_fifth(paths: list[str]) -> tuple[list[str], list[str]]:
    ordered = sorted(paths)
    val = [p for i, p in enumerate(ordered, start=1) if i % EVERY == 0]
    return [p for i, p in enumerate(ordered, start=1) if i % EVERY], val


def exported_name(rel: str, image_id: int, taken: set[str]) -> str:
    """`sub/x.jpg` -> `sub__x.png`; unique in the dataset (x.jpg and x.png both kept: the second gets its id)."""
    name = rel.replace("/", "__").rsplit(".", 1)[0] + ".png"
    if name in taken:
        name = f"{name[:-4]}~{image_id}.png"
    taken.add(name)
    return name


def read_sources(dataset: Path) -> dict[str, str]:
    """The exported file (split/class/name) -> source image path map of an exported dataset ({} if unknown)."""
    meta = Path(dataset) / "dataset.json"
    try:
        return dict(json.loads(meta.read_text(encoding="utf-8")).get("sources", {}))
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    counts: dict[str, dict[str, int]]  # split -> class -> images
    skipped: list[str]  # kept images left out, each with the reason (no confirmed face crop)


def split_problems(counts: dict[str, dict[str, int]]) -> list[str]:
    """Plain-words warnings about a dataset's split (split -> class -> images): empty or too small."""
    out = []
    train, val = counts.get("train", {}), counts.get("val", {})
    for cls in CLASSES:
        n = train.get(cls, 0) + val.get(cls, 0)
        if n == 0:
            out.append(f"class {cls} has no image: the classifier cannot learn it")
        elif val.get(cls, 0) == 0:
            out.append(f"class {cls} has {n} image(s) and none for validation: the every-{EVERY}th rule needs at "
                       f"least {EVERY} images per class for one validation image")
    if sum(val.values()) == 0:
        out.insert(0, "the validation split is empty: accuracy cannot be measured and training will fail")
    if sum(train.values()) == 0:
        out.insert(0, "the training split is empty: there is nothing to train on")
    return out


def dataset_counts(dataset: Path) -> dict[str, dict[str, int]]:
    """split -> class -> images of an exported dataset, counted on disk."""
    dataset = Path(dataset)
    return {split: {cls: sum(1 for f in (dataset / split / cls).iterdir() if f.is_file())
                    for cls in CLASSES if (dataset / split / cls).is_dir()} for split in ("train", "val")}


def export_dataset(store: VoteStore, agg: Aggregate, out: Path, *, report: ReportFn = no_report,
                   cancel: threading.Event | None = None) -> ExportResult:
    """Write out/train/<class>/ and out/val/<class>/ (face crops as PNG); the folder appears only when complete."""
    import cv2

    out = Path(out)
    if out.is_file() or (out.exists() and any(out.iterdir())):
        raise UserError(f"folder {out} is not empty; export into a new folder")
    images = {r.id: r for r in store.images()}
    kept = agg.kept()
    if not kept:
        raise UserError("no image has an absolute majority yet; nothing to export")
    skipped = [f"{images[i].path}: {_why_uncropped(images[i].crop_source)}"
               for i in sorted(kept, key=lambda i: images[i].path) if not images[i].confirmed]
    by_class = {c: [images[i].path for i, c2 in kept.items() if c2 == c and images[i].confirmed] for c in CLASSES}
    if not any(by_class.values()):
        raise UserError(f"none of the {len(kept)} kept image(s) has a confirmed face crop (e.g. {skipped[0]}); "
                        "draw or pick the crops, then export again")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    group_readable(tmp)  # mkdtemp makes it 0700: colleagues could not open the dataset
    counts: dict[str, dict[str, int]] = {"train": {}, "val": {}}
    by_path = {r.path: r for r in images.values()}
    done, total = 0, sum(len(v) for v in by_class.values())
    taken: set[str] = set()
    sources: dict[str, str] = {}  # exported file (split/class/name) -> image path in the vote folder
    try:
        for cls, paths in by_class.items():
            for split, chosen in zip(("train", "val"), split_every_fifth(paths)):
                (tmp / split / cls).mkdir(parents=True, exist_ok=True)
                counts[split][cls] = len(chosen)
                for rel in chosen:
                    check_cancel(cancel)
                    rec = by_path[rel]
                    rgb = cropped(store.folder, rel, rec.crop)
                    name = exported_name(rel, rec.id, taken)
                    cv2.imwrite(str(tmp / split / cls / name), rgb[..., ::-1])
                    sources[f"{split}/{cls}/{name}"] = rel
                    done += 1
                    report(Progress("export", done, total))
        (tmp / "dataset.json").write_text(json.dumps({"classes": list(CLASSES), "split": "every 5th to val",
                                                      "counts": counts, "absent_votes": agg.absent_policy.value,
                                                      "schema_version": 1, "sources": sources,
                                                      "skipped": skipped}))
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportResult(out, counts, skipped)


def _why_uncropped(source: str) -> str:
    return ("several faces, none picked yet" if source == "pick"
            else "no face found and no crop drawn") + " — left out (not exported as the whole picture)"
