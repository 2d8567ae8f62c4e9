"""The session timeline: exercise tier as coloured regions, other ELAN tiers below, playhead, zoom/pan.

For the main window: place `TimelineWidget(controller)`; after loading an EAF call
`timeline.set_other_tiers(fshd_studio.io.elan.other_tiers(doc))` (read-only lanes). Its `message(str)`
signal carries short status-bar texts (e.g. an edit the controller refused).

Public actions for the shortcut table / menus (every edit = one controller gesture = one undo step):
    mark_in()                 remember the playhead as the start of a new segment   (I)
    mark_out()                span mark-in → playhead becomes the pending segment    (O)
    assign_exercise(id)       give the pending span (or the selected segment) this exercise
    type_digit(d)             number keys: 1–9, 0 = 10, "1" then "2" within 0.7 s = 12 (handled in
                              keyPressEvent when the timeline has focus; the picker list is clickable too)
    cancel_pending()          drop the pending span (Esc)
    nudge_start(±1)           move the selected segment's start by one frame        (e.g. [ / Shift+[)
    nudge_end(±1)             move its end by one frame                             (e.g. ] / Shift+])
    next_segment()            select the next segment and jump to its start         (e.g. Alt+→ / N)
    previous_segment()        …previous                                             (e.g. Alt+← / P)
    delete_selected()         delete the selected segment                           (Del)
    zoom(factor), zoom_to_fit(), ensure_visible(span)
Looping the selected segment lives on the transport: `MediaPanel.toggle_loop()` (L).

Mouse: wheel zooms time, drag pans, Shift+drag sweeps a new segment, drag a region's body to move it or an
edge to resize it (snapped to frames on release), drag the red playhead to scrub, click a region to select,
click empty space to move the playhead there.
"""

from fshd_studio.gui.qt_refcount import protect_singletons

protect_singletons()  # before any widget exists: see fshd_studio/gui/qt_refcount.py

from fshd_studio.gui.timeline.timeline_widget import TimelineWidget

__all__ = ["TimelineWidget"]
