"""Error analysis of a trained classifier on its validation images, with the labellers' free tags (e.g. glasses).

The study found glasses to be a cause of mistakes: tags live in the vote file (per source image), the exported
dataset's `dataset.json` maps every validation crop back to its source image, so a tag set while browsing the
mistakes counts for accuracy per tag at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.labelling.analysis import Prediction
from fshd_studio.labelling.export import read_sources

BATCH = 16


@dataclass(frozen=True)
class ValidationReview:
    predictions: list[Prediction]  # image = path of the exported validation crop
    sources: dict[str, str]  # exported crop path -> source image path in the vote folder ("" when unknown)

    def source_of(self, image: str) -> str:
        return self.sources.get(image, "")

    def top1(self) -> float:
        n = len(self.predictions)
        return sum(p.true == p.predicted for p in self.predictions) / n if n else 0.0

    def with_tags(self, tags_by_source: dict[str, set[str]]) -> ValidationReview:
        """The same predictions with the current tags of their source images."""
        preds = [replace(p, tags=frozenset(tags_by_source.get(self.source_of(p.image), set())))
                 for p in self.predictions]
        return ValidationReview(preds, self.sources)


def validation_images(dataset: Path) -> Iterator[tuple[str, Path]]:
    """(true class, file) of every image under dataset/val/<class>/, in a stable order."""
    val = Path(dataset) / "val"
    if not val.is_dir():
        raise UserError(f"dataset {dataset} has no val/ folder; export a dataset from the votes first")
    for cls_dir in sorted(p for p in val.iterdir() if p.is_dir()):
        for f in sorted(p for p in cls_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
            yield cls_dir.name, f


def review_validation(weights: Path, dataset: Path, tags_by_source: dict[str, set[str]] | None = None, *,
                      report: ReportFn = no_report, cancel: threading.Event | None = None) -> ValidationReview:
    """Classify every validation crop (they are face crops already: no detection) and keep its true class."""
    from fshd_studio.labelling.classifier import EmotionClassifier
    from fshd_studio.labelling.images import load_rgb

    items = list(validation_images(dataset))
    if not items:
        raise UserError(f"dataset {dataset} has no validation images")
    by_name = read_sources(dataset)
    sources = {str(f): by_name.get(f"val/{cls}/{f.name}", "") for cls, f in items}
    clf = EmotionClassifier(weights)
    preds: list[Prediction] = []
    for start in range(0, len(items), BATCH):
        check_cancel(cancel)
        report(Progress("validation review", start, len(items)))
        chunk = items[start:start + BATCH]
        labels = clf.predict([load_rgb(f) for _, f in chunk])
        preds += [Prediction(str(f), cls, label) for (cls, f), (label, _) in zip(chunk, labels)]
    report(Progress("validation review", len(items), len(items)))
    return ValidationReview(preds, sources).with_tags(tags_by_source or {})
