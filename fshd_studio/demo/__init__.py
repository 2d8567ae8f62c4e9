"""Synthetic demo sessions: a real face photo animated through the protocol (no patient data)."""
