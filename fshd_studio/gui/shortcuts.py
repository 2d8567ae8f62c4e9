"""The shortcut map: ONE table that creates the window's actions and fills Help → Shortcuts.

Keys follow ELAN and BORIS habits where they exist (Space play, ←/→ frame step, Shift+←/→ one second,
Ctrl+Z / Ctrl+Shift+Z, Alt+←/→ previous/next annotation). Every entry is also reachable from a menu.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    action_id: str  # the window binds a handler to each id (checked by a test)
    menu: str  # the menu the action lives in; "Menu/Submenu" for a submenu
    text: str  # menu text
    keys: tuple[str, ...] = ()  # QKeySequence strings; first = primary
    help: str = ""  # one line for the shortcut table
    section: str = ""  # separator group inside the menu


def _ex(n: int, *keys: str) -> Shortcut:
    return Shortcut(f"exercise_{n}", "Segment/Assign exercise", f"Exercise {n}", keys,
                    f"Give the marked span (or the selected segment) exercise {n}", "exercise")


SHORTCUTS: tuple[Shortcut, ...] = (
    # File
    Shortcut("new_session", "File", "&New session…", ("Ctrl+N",), "Start a session from the front and side "
             "videos, with the patient's study id, visit date and annotator", "open"),
    Shortcut("open", "File", "&Open project…", ("Ctrl+O",), "Open a project (.fshd.json)", "open"),
    Shortcut("open_demo", "File", "Open &demo session", (), "Open the bundled demo session", "open"),
    Shortcut("save", "File", "&Save", ("Ctrl+S",), "Save the project", "save"),
    Shortcut("save_as", "File", "Save &as…", ("Ctrl+Shift+S",), "Save the project under a new name", "save"),
    Shortcut("import_eaf", "File", "&Import ELAN…", ("Ctrl+I",), "Import exercise segments from an ELAN .eaf",
             "elan"),
    Shortcut("export_eaf", "File", "&Export ELAN…", ("Ctrl+E",), "Export the session as an ELAN .eaf (3.0)", "elan"),
    Shortcut("relocate", "File", "&Relocate video…", (), "Point a camera at its moved video file", "video"),
    Shortcut("session_properties", "File", "Session &properties…", (), "Patient id, visit date, annotator and "
             "camera names of this session (one undo step)", "video"),
    Shortcut("export_pseudonymised", "File", "Export pseudonymised &copy…", (), "Project, videos and ELAN "
             "file for sharing, the patient id and names replaced by a pseudonym", "report"),
    Shortcut("export_report", "File", "Export re&port…", (), "Write the results report (PDF, HTML, CSV, JSON)",
             "report"),
    Shortcut("quit", "File", "&Quit", ("Ctrl+Q",), "Quit (asks when there are unsaved changes)", "quit"),
    # Edit
    Shortcut("undo", "Edit", "&Undo", ("Ctrl+Z",), "Undo the last edit", "undo"),
    Shortcut("redo", "Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo", "undo"),
    Shortcut("preferences", "Edit", "&Preferences…", ("Ctrl+,",), "Autosave interval, theme, keys, default "
             "folders", "prefs"),
    # Playback
    Shortcut("play", "Playback", "&Play / pause", ("Space",), "Play or pause both cameras", "play"),
    Shortcut("loop", "Playback", "&Loop segment", ("L",), "Loop the selected segment while playing", "play"),
    Shortcut("frame_prev", "Playback", "Previous frame", ("Left",), "Step back one frame (reference camera)",
             "step"),
    Shortcut("frame_next", "Playback", "Next frame", ("Right",), "Step forward one frame", "step"),
    Shortcut("second_prev", "Playback", "Back 1 s", ("Shift+Left",), "Step back one second", "step"),
    Shortcut("second_next", "Playback", "Forward 1 s", ("Shift+Right",), "Step forward one second", "step"),
    Shortcut("go_start", "Playback", "Go to start", ("Home",), "Jump to the start of the session", "step"),
    Shortcut("go_end", "Playback", "Go to end", ("End",), "Jump to the end of the session", "step"),
    Shortcut("faster", "Playback", "Faster", ("Ctrl+Up",), "Play faster (up to 2×)", "speed"),
    Shortcut("slower", "Playback", "Slower", ("Ctrl+Down",), "Play slower (down to 0.25×)", "speed"),
    Shortcut("sync_auto", "Playback", "Sync cameras &automatically…", (),
             "Estimate the cameras' offsets from facial motion and propose them (one undo step)", "sync"),
    Shortcut("sync_mode", "Playback", "Sync &adjust mode", (), "Turn on the offset keys (shown in the status "
             "bar while on); off, they change nothing", "sync"),
    Shortcut("offset_prev", "Playback", "Second camera −1 frame", ("Ctrl+Shift+Left",),
             "In Sync adjust mode: shift the second camera's sync offset back one of its frames", "sync"),
    Shortcut("offset_next", "Playback", "Second camera +1 frame", ("Ctrl+Shift+Right",),
             "In Sync adjust mode: shift the second camera's sync offset forward one of its frames", "sync"),
    # Segment
    Shortcut("mark_in", "Segment", "Mark &in", ("I",), "Mark the playhead as the start of a new segment", "mark"),
    Shortcut("mark_out", "Segment", "Mark &out", ("O",), "Mark the playhead as its end, then type the exercise",
             "mark"),
    Shortcut("cancel", "Segment", "Cancel marked span", ("Esc",), "Drop the marked span", "mark"),
    *(_ex(n, str(n)) for n in range(1, 10)),
    _ex(10, "0"),
    *(_ex(10 + n, f"Shift+{n}") for n in range(1, 6)),  # checked on X11 with a US layout (Shift+3 = #)
    Shortcut("seg_prev", "Segment", "&Previous segment", ("Alt+Left",), "Select the previous segment and go there",
             "nav"),
    Shortcut("seg_next", "Segment", "&Next segment", ("Alt+Right",), "Select the next segment and go there", "nav"),
    Shortcut("start_earlier", "Segment", "Start −1 frame", ("[",), "Move the selected segment's start one frame "
             "earlier", "nudge"),
    Shortcut("start_later", "Segment", "Start +1 frame", ("]",), "Move its start one frame later", "nudge"),
    Shortcut("end_earlier", "Segment", "End −1 frame", ("{",), "Move its end one frame earlier", "nudge"),
    Shortcut("end_later", "Segment", "End +1 frame", ("}",), "Move its end one frame later", "nudge"),
    Shortcut("suggest", "Segment", "Su&ggest segments from motion…", ("Ctrl+G",), "Propose the missing "
             "exercises' segments from facial motion, in protocol order, for you to check and confirm", "suggest"),
    Shortcut("confirm", "Segment", "&Confirm segment", ("C",), "Mark the selected segment confirmed", "status"),
    Shortcut("unusable", "Segment", "Mark &unusable", ("U",), "Mark the selected segment unusable (e.g. face out "
             "of view): kept, but left out of scoring", "status"),
    Shortcut("delete", "Segment", "&Delete segment", ("Delete", "Backspace"), "Delete the selected segment",
             "status"),
    # Analysis
    Shortcut("score_session", "Analysis", "&Score session", ("Ctrl+R",), "Run the model over every exercise and "
             "camera of the session (non-modal; the results panel fills as it goes)", "score"),
    Shortcut("score_many", "Analysis", "Score &many sessions…", (), "A queue of projects or folders scored one "
             "after the other (finished ones are not redone); a summary per session", "score"),
    Shortcut("compare_visits", "Analysis", "&Compare visits…", (), "Two or more scored sessions of one patient side "
             "by side, with the change per exercise", "score"),
    # View
    Shortcut("mode_review", "View", "&Review mode", ("Ctrl+1",), "Segment the session (cameras + timeline)", "mode"),
    Shortcut("mode_labelling", "View", "&Labelling mode", ("Ctrl+2",), "Vote on emotion face images", "mode"),
    Shortcut("zoom_in", "View", "Zoom timeline in", ("+", "="), "Zoom the timeline in around the playhead", "zoom"),
    Shortcut("zoom_out", "View", "Zoom timeline out", ("-",), "Zoom the timeline out", "zoom"),
    Shortcut("zoom_fit", "View", "Whole session", ("F",), "Show the whole session on the timeline", "zoom"),
    Shortcut("motion_lane", "View", "&Motion lane", (), "Show the facial motion curve under the exercise lane, to "
             "place boundaries by eye", "lanes"),
    # Help
    Shortcut("shortcuts", "Help", "&Shortcuts", ("F1",), "Show this table", "help"),
    Shortcut("about", "Help", "&About FSHD Studio", (), "Version and intended use", "help"),
    Shortcut("log_folder", "Help", "Open &log folder", (), "The app's log files, to attach to a bug report "
             "(file names masked, no patient names)", "help"),
)

MENUS: tuple[str, ...] = ("File", "Edit", "Playback", "Segment", "Analysis", "View", "Help")


def by_id(action_id: str) -> Shortcut:
    for s in SHORTCUTS:
        if s.action_id == action_id:
            return s
    raise KeyError(action_id)


def shortcut_rows(keymap: dict[str, tuple[str, ...]] | None = None) -> list[tuple[str, str, str]]:
    """(menu, keys, what it does) for the Help → Shortcuts table, in menu order; `keymap` (action id -> keys,
    see keymap.py) gives the keys in use, the table's own by default."""
    rows = []
    for menu in MENUS:
        grouped = False
        for s in SHORTCUTS:
            keys = tuple(keymap.get(s.action_id, ())) if keymap is not None else s.keys
            if s.menu.split("/")[0] != menu or not keys:
                continue
            if s.section == "exercise":  # 15 similar keys: one row
                if not grouped:
                    rows.append((menu, "1 … 9, 0 / Shift+1 … Shift+5",
                                 "Give the marked span (or the selected segment) exercise 1–9, 10 / 11–15; "
                                 "typing 1 then 2 quickly also gives 12"))
                    grouped = True
                continue
            rows.append((menu, " / ".join(keys), s.help or s.text.replace("&", "")))
    return rows


def shortcut_html(keymap: dict[str, tuple[str, ...]] | None = None) -> str:
    parts = ["<table cellspacing='0' cellpadding='4'>"]
    last = ""
    for menu, keys, what in shortcut_rows(keymap):
        if menu != last:
            parts.append(f"<tr><td colspan='2'><b>{menu}</b></td></tr>")
            last = menu
        parts.append(f"<tr><td><code>{keys}</code></td><td>{what}</td></tr>")
    parts.append("<tr><td colspan='2'><b>Timeline (mouse)</b></td></tr>")
    for keys, what in (("Wheel", "zoom time"), ("Drag", "pan"), ("Shift+drag", "sweep a new segment"),
                       ("Drag edge / body", "resize / move a segment (one undo step)"),
                       ("Ctrl+drag picture", "shift that camera's sync offset")):
        parts.append(f"<tr><td><code>{keys}</code></td><td>{what}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
