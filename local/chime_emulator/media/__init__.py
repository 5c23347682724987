"""The emulator's media side: Chime SDK signaling over WebSocket and a WebRTC relay."""
