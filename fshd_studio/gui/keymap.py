"""Keymaps: the keys of every action of the shortcut table, from a preset plus the user's own remappings.

Presets
- "elan" (default): the table's keys plus ELAN's own — Ctrl+Space play/pause, Ctrl+←/→ previous/next frame,
  Ctrl+B go to start — so hands trained on ELAN work unchanged.
- "classic": the table's keys only.
The sync-offset keys (Ctrl+Shift+←/→) act only in the visible Sync adjust mode (see window_sync.py), so a
stray chord can never shift a camera silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QKeySequence

from fshd_studio.gui.shortcuts import SHORTCUTS

DEFAULT_PRESET = "elan"
ELAN_EXTRA: dict[str, tuple[str, ...]] = {
    "play": ("Ctrl+Space",),
    "frame_prev": ("Ctrl+Left",),
    "frame_next": ("Ctrl+Right",),
    "go_start": ("Ctrl+B",),
}
PRESETS: dict[str, str] = {"elan": "ELAN-compatible (Ctrl+Space, Ctrl+←/→)", "classic": "FSHD Studio keys only"}


def normalized(keys: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Portable text of each key sequence (e.g. "ctrl+space" → "Ctrl+Space"); empty ones dropped."""
    out = []
    for k in keys:
        text = QKeySequence(k.strip()).toString(QKeySequence.SequenceFormat.PortableText) if k.strip() else ""
        if text and text not in out:
            out.append(text)
    return tuple(out)


def preset_keys(preset: str) -> dict[str, tuple[str, ...]]:
    """Every action's keys in a preset (unknown preset: the default one)."""
    keys = {s.action_id: tuple(s.keys) for s in SHORTCUTS}
    if (preset if preset in PRESETS else DEFAULT_PRESET) == "elan":
        for action_id, extra in ELAN_EXTRA.items():
            if action_id in keys:
                keys[action_id] = keys[action_id] + tuple(k for k in extra if k not in keys[action_id])
    return keys


@dataclass(frozen=True)
class Keymap:
    preset: str = DEFAULT_PRESET
    overrides: dict[str, tuple[str, ...]] = field(default_factory=dict)  # action id -> keys (empty: none)

    def keys(self) -> dict[str, tuple[str, ...]]:
        out = preset_keys(self.preset)
        for action_id, keys in self.overrides.items():
            if action_id in out:
                out[action_id] = normalized(keys)
        return out

    def keys_of(self, action_id: str) -> tuple[str, ...]:
        return self.keys().get(action_id, ())

    def remapped(self, action_id: str, keys: tuple[str, ...]) -> Keymap:
        """This keymap with one action's keys replaced (back to the preset's when they equal them)."""
        over = dict(self.overrides)
        keys = normalized(keys)
        if keys == normalized(preset_keys(self.preset).get(action_id, ())):
            over.pop(action_id, None)
        else:
            over[action_id] = keys
        return Keymap(self.preset, over)

    def conflicts(self) -> dict[str, list[str]]:
        """Key -> the actions that share it (only keys used by more than one action)."""
        users: dict[str, list[str]] = {}
        for action_id, keys in self.keys().items():
            for k in normalized(keys):
                users.setdefault(k, []).append(action_id)
        return {k: ids for k, ids in users.items() if len(ids) > 1}
