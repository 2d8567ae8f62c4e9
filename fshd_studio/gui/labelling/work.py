"""The workspace's long work on the job runner: import, export, training (in a child process)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.store import VoteStore

if TYPE_CHECKING:
    from fshd_studio.gui.labelling.workspace import LabellingWorkspace
    from fshd_studio.labelling.classifier import TrainResult
    from fshd_studio.labelling.export import ExportResult
    from fshd_studio.labelling.majority import Aggregate


class WorkspaceJobs:
    """Mixin of LabellingWorkspace (self is the workspace)."""

    # --- import -------------------------------------------------------------------------------------------
    def _ask_folder(self: LabellingWorkspace) -> None:
        folder = self.prompts.folder("Folder of face images")
        if folder:
            self.open_folder(folder)

    def open_folder(self: LabellingWorkspace, folder: Path) -> None:
        """Open (or create) the folder's vote file and import new images in the background."""
        try:
            self.ctl.open_store(Path(folder))
        except UserError as exc:
            self.prompts.warn("Image folder", str(exc))
            self.status.emit(str(exc))
            return
        self.folder_label.setText(f"  {folder}  ")
        self._fill_grid()

        def run(report, cancel) -> list[str]:  # noqa: ANN001 - the runner's shape
            from fshd_studio.labelling.images import import_folder

            with VoteStore(folder) as store:  # sqlite connections belong to the thread that made them
                return import_folder(folder, store, report=report, cancel=cancel)
        self.jobs.start("Importing images", run, on_done=self._imported, on_error=self._import_failed,
                        on_cancelled=lambda: self._imported([]))

    def _import_failed(self: LabellingWorkspace, message: str) -> None:
        self.status.emit(message)
        self.prompts.warn("Import", message)
        self.import_done.emit(0)

    def _imported(self: LabellingWorkspace, warnings: list[str]) -> None:
        self.ctl.reload()
        self._fill_grid()
        if warnings:
            self.status.emit(f"{len(warnings)} image(s) need attention: {warnings[0]}")
        if not self.ctl.labeller:
            self.labeller.setFocus()
            self.labeller.lineEdit().selectAll()
        self.import_done.emit(len(self.ctl.records))

    # --- aggregate and export -----------------------------------------------------------------------------
    def run_aggregate(self: LabellingWorkspace) -> Aggregate | None:
        agg = self.ctl.aggregate(self.results.absent_policy())
        if agg is not None:
            self.show_page(2)
        return agg

    def _ask_export(self: LabellingWorkspace) -> None:
        out = self.prompts.folder("Empty folder for the dataset")
        if out:
            self.export_to(out)

    def export_to(self: LabellingWorkspace, out: Path) -> None:
        from fshd_studio.labelling.export import export_dataset

        agg = self.run_aggregate()
        if agg is None or self.ctl.store is None:
            return
        folder = self.ctl.store.folder

        def run(report, cancel) -> ExportResult:  # noqa: ANN001
            with VoteStore(folder, readonly=True) as store:
                return export_dataset(store, agg, out, report=report, cancel=cancel)
        self.jobs.start("Exporting the dataset", run, on_done=self._exported, on_error=self._failed("Export"))

    def _failed(self: LabellingWorkspace, what: str):  # noqa: ANN202
        def show(message: str) -> None:
            self.status.emit(message)
            self.results.train_status.setText(f"{what}: {message}")
        return show

    def _exported(self: LabellingWorkspace, res: ExportResult) -> None:
        from fshd_studio.labelling.export import split_problems

        self.last_dataset = res.folder
        counts = ", ".join(f"{c} {res.counts['train'].get(c, 0)}+{res.counts['val'].get(c, 0)}"
                           for c in sorted(set(res.counts["train"]) | set(res.counts["val"])))
        notes = res.skipped + split_problems(res.counts)
        text = f"Dataset written to {res.folder} (train+validation: {counts})"
        if res.skipped:
            text += f"; {len(res.skipped)} kept image(s) left out: no confirmed face crop"
        self.results.train_status.setText(text + ("\n• " + "\n• ".join(notes) if notes else ""))
        self.status.emit(text)

    # --- training -----------------------------------------------------------------------------------------
    def _ask_train(self: LabellingWorkspace) -> None:
        ds = self.last_dataset or self.prompts.folder("Exported dataset (with train/ and val/)")
        if ds:
            self.train_on(Path(ds), Path(ds).parent / (Path(ds).name + "-classifier"))

    def train_on(self: LabellingWorkspace, dataset: Path, out: Path) -> bool:
        """Warn first when a class or the validation split is empty or too small; then train in a child
        process: per-epoch progress and time left in the job bar, Cancel kills it, a crash is one message."""
        from fshd_studio.labelling.export import EVERY, dataset_counts, split_problems
        from fshd_studio.labelling.training_process import train_in_child

        try:
            problems = split_problems(dataset_counts(dataset))
        except OSError as exc:
            self.prompts.warn("Training", f"dataset {dataset} cannot be read ({exc}); export one first")
            return False
        if any("split is empty" in p for p in problems):
            self.prompts.warn("Training", f"Cannot train on {dataset}: {problems[0]}. Each class needs at least "
                                          f"{EVERY} kept images for the every-{EVERY}th rule to give one "
                                          "validation image.")
            return False
        if problems and not self.prompts.ask("Training", "This dataset is small or unbalanced. Train anyway?",
                                             "\n".join(f"• {p}" for p in problems)):
            return False
        p = self.results
        kw = dict(epochs=p.epochs.value(), imgsz=p.imgsz.value(), size=p.size.currentText())
        p.train_button.setEnabled(False)
        p.train_status.setText(f"Training on {dataset} ({kw['epochs']} epochs)… progress and Cancel below")
        self.jobs.start("Training the classifier",
                        lambda report, cancel: train_in_child(dataset, out, report=report, cancel=cancel, **kw),
                        on_done=lambda r: self._trained(r, dataset), on_error=self._training_failed,
                        on_cancelled=lambda: self._training_failed("Training cancelled; nothing was written"))
        return True

    def _training_failed(self: LabellingWorkspace, message: str) -> None:
        self.results.train_button.setEnabled(True)
        self.results.train_status.setText(message)
        self.status.emit(message)

    def _trained(self: LabellingWorkspace, res: TrainResult, dataset: Path) -> None:
        self.results.train_button.setEnabled(True)
        self.results.train_status.setText(f"Classifier trained: validation accuracy {res.top1:.1%}")
        self.training.show_result(res.weights, res.top1, res.names, res.confusion)
        self.predict.set_weights(res.weights)
        self.mistakes.set_model(res.weights, dataset)
        self.show_page(2)
        self.status.emit(f"Classifier trained: validation accuracy {res.top1:.1%}")

    def shutdown(self: LabellingWorkspace) -> None:
        """Stop this workspace's work (its own runner when it stands alone) and close the vote file."""
        if self.owns_jobs:
            self.jobs.shutdown()
        self.ctl.close()
