"""Local-only tooling: the Chime SDK Meetings emulator and the local stack. Never deployed."""
