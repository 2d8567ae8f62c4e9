"""Synced camera views, the transport bar and the sync-offset editors.

For the main window (place `MediaPanel(controller)`; call `panel.shutdown()` in the window's closeEvent —
it also runs on QApplication.aboutToQuit). Public actions for the shortcut table / menus:

MediaPanel (forwards to its transport bar and editors)
    toggle_play()                 play / pause (Space)
    step_frames(n)                ±n frames of the reference (first) camera on every camera (←/→)
    step_seconds(s)               ±s seconds (Shift+←/→)
    set_speed(x)                  0.25–2×; TransportBar also has faster() / slower()
    toggle_loop()                 loop the selected segment (playback wraps at its end)
    nudge_offset(camera_id, n)    shift one camera's sync offset by n of its frames (one undo step)
    views[camera_id]              CameraView; .relocate_requested(camera_id) — also re-emitted by the panel
    transport                     TransportBar: play(), pause(), go_to_start(), go_to_end(), faster(), slower()
    offset_editors[camera_id]     OffsetEditor: nudge_frames(n), set_offset(ms)

Editing an offset: ±1 frame buttons, typing in the spin box (Enter), dragging the jog slider, or Ctrl+drag
sideways on the picture; each gesture is one `controller.change_offset` call (one undo step).
Decoding runs on one FrameLoader thread per camera; the newest request wins.
"""

from fshd_studio.gui.qt_refcount import protect_singletons

protect_singletons()  # before any widget exists: see fshd_studio/gui/qt_refcount.py

from fshd_studio.gui.media.camera_view import CameraView
from fshd_studio.gui.media.frame_loader import DecodedFrame, FrameLoader
from fshd_studio.gui.media.media_panel import MediaPanel
from fshd_studio.gui.media.offset_editor import OffsetEditor
from fshd_studio.gui.media.transport import TransportBar

__all__ = ["CameraView", "DecodedFrame", "FrameLoader", "MediaPanel", "OffsetEditor", "TransportBar"]
