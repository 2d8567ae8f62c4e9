"""The one transport bar for all cameras: play/pause, ±1 frame, ±1 s, speed, loop, scrub, time display."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from fshd_studio.gui.media.playback import SPEEDS, PlaybackClock, frame_step_target, reference_camera
from fshd_studio.gui.media.timefmt import format_ms


class TransportBar(QWidget):
    """Moves the shared playhead (controller.set_playhead); every camera view follows it."""

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.clock = PlaybackClock(controller, self)
        self._painted: int | None = None  # the reference camera's frame on screen
        self._build()
        controller.session_loaded.connect(self._on_session_loaded)
        controller.playhead_moved.connect(self._on_playhead)
        controller.offset_changed.connect(lambda _cid: self._on_playhead(controller.playhead_ms()))
        self.clock.playing_changed.connect(self._on_playing)
        self.clock.loop_changed.connect(self.loop_button.setChecked)
        self._on_session_loaded()

    def _button(self, text: str, tip: str, slot: Any) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def _build(self) -> None:
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        self.back_second = self._button("−1 s", "Back one second", lambda: self.step_seconds(-1.0))
        self.back_frame = self._button("◀|", "Back one frame", lambda: self.step_frames(-1))
        self.play_button = self._button("▶", "Play / pause", self.toggle_play)
        self.fwd_frame = self._button("|▶", "Forward one frame", lambda: self.step_frames(1))
        self.fwd_second = self._button("+1 s", "Forward one second", lambda: self.step_seconds(1.0))
        self.loop_button = self._button("⟲", "Loop the selected segment", self.toggle_loop)
        self.loop_button.setCheckable(True)
        self.speed_combo = QComboBox(self)
        for s in SPEEDS:
            self.speed_combo.addItem(f"{s:g}×", s)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.currentIndexChanged.connect(lambda i: self.set_speed(self.speed_combo.itemData(i)))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setToolTip("Scrub")
        self.slider.valueChanged.connect(self._on_slider)
        self.time_label = QLabel("00:00:00.000  frame —", self)
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (self.back_second, self.back_frame, self.play_button, self.fwd_frame, self.fwd_second,
                  self.loop_button, self.speed_combo):
            lay.addWidget(w)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.time_label)

    # -- actions (the main window's QActions call these) --------------------------------------------
    @Slot()
    def toggle_play(self) -> None:
        self.clock.toggle()

    def play(self) -> None:
        self.clock.play()

    def pause(self) -> None:
        self.clock.pause()

    def step_frames(self, n: int) -> None:
        """Move every camera by `n` frames of the reference camera (the others show their frame at that time)."""
        if self.controller.session is None:
            return
        self.clock.pause()
        target = frame_step_target(self.controller, self.controller.playhead_ms(), int(n))
        self.controller.set_playhead(target)  # the controller clamps to the session

    def step_seconds(self, seconds: float) -> None:
        if self.controller.session is None:
            return
        target = self.controller.playhead_ms() + seconds * 1000.0
        self.controller.set_playhead(target)  # the controller clamps to the session

    def set_speed(self, speed: float) -> None:
        """Playback speed, 0.25× to 2×."""
        self.clock.set_speed(float(speed))
        with QSignalBlocker(self.speed_combo):
            nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.clock.speed))
            self.speed_combo.setCurrentIndex(nearest)

    def faster(self) -> None:
        i = SPEEDS.index(self.clock.speed) if self.clock.speed in SPEEDS else 3
        self.set_speed(SPEEDS[min(i + 1, len(SPEEDS) - 1)])

    def slower(self) -> None:
        i = SPEEDS.index(self.clock.speed) if self.clock.speed in SPEEDS else 3
        self.set_speed(SPEEDS[max(i - 1, 0)])

    def toggle_loop(self) -> None:
        """Loop the selected segment: playback wraps at its end."""
        self.clock.set_loop(not self.clock.loop)

    def go_to_start(self) -> None:
        self.controller.set_playhead(self.controller.session_range_ms()[0])

    def go_to_end(self) -> None:
        self.controller.set_playhead(self.controller.session_range_ms()[1])

    # -- observers ------------------------------------------------------------------------------------
    def _on_session_loaded(self) -> None:
        self.clock.pause()
        self._painted = None
        lo, hi = self.controller.session_range_ms() if self.controller.session else (0.0, 0.0)
        with QSignalBlocker(self.slider):
            self.slider.setRange(int(lo), int(hi))
            self.slider.setSingleStep(40)
            self.slider.setPageStep(1000)
        self._on_playhead(self.controller.playhead_ms())

    def _on_slider(self, value: int) -> None:
        self.controller.set_playhead(float(value))

    def _on_playhead(self, ms: float) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(int(round(ms)))
        self._show_time()

    def show_painted_frame(self, camera_id: str, index: int) -> None:
        """The reference camera painted frame `index`: the label names the frame on screen, not a wish."""
        ref = reference_camera(self.controller)
        if ref is not None and ref[0] == camera_id:
            self._painted = index
            self._show_time()

    def _show_time(self) -> None:
        frame = "—" if self._painted is None else str(self._painted)
        self.time_label.setText(f"{format_ms(self.controller.playhead_ms())}  frame {frame}")

    def _on_playing(self, playing: bool) -> None:
        self.play_button.setText("❚❚" if playing else "▶")
