"""Event entry points: Lambda handlers for the timers queue, meeting events and the stream."""
