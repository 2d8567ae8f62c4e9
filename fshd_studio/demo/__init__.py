"""Synthetic demo sessions: a real face photo animated through the protocol (no patient data)."""

from fshd_studio.demo.clip import render_exercise_clip
from fshd_studio.demo.generate import DEMO_FILES, DemoResult, make_demo

__all__ = ["DEMO_FILES", "DemoResult", "make_demo", "render_exercise_clip"]
