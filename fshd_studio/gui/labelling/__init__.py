"""The labelling workspace (second mode of the main window)."""

from fshd_studio.gui.labelling.workspace import LabellingWorkspace

__all__ = ["LabellingWorkspace"]
