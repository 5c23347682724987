"""What the event pump's threads share: the stop signal, what they have done, and a condition.

The pollers (:mod:`local.events.sqs`, :mod:`local.events.streams`) record here each batch they
handle, each dead letter and each stream read to its end; :class:`local.events.pump.EventPump` waits
on it (``wait_for``, ``wait_idle``). Every change bumps :attr:`PumpState.generation` and wakes
the waiters, so a waiter that saw nothing change can sleep until something does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .sources import DeadLetter

__all__ = ["PumpState"]

# One logger for the whole pump, whichever module logs: make run tags and levels its lines by
# this name (local/stack.py), and tests capture it.
log = logging.getLogger("local.events")


class PumpState:
    """The shared state of one pump's threads.

    Attributes
    ----------
    stop
        Set when the pump stops; threads wait on it instead of sleeping, so they end at once.
    changed
        Held to read or change the counters below; notified whenever anything happens.
    generation
        Bumped whenever anything happens, to wake waiters.
    activity
        Bumped when a batch is handled or a dead letter reported.
    busy
        Batches being handled right now.
    caught_up_at
        Stream source name -> ``time.monotonic()`` at the start of its last read that found
        nothing new.
    dead_letters
        Everything given up on, oldest first.
    """

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.changed = threading.Condition()
        self.generation = 0
        self.activity = 0
        self.busy = 0
        self.caught_up_at: dict[str, float] = {}
        self.dead_letters: list[DeadLetter] = []

    def notify(self) -> None:
        """Wake the waiters: something they may be waiting for has changed."""
        with self.changed:
            self.generation += 1
            self.changed.notify_all()

    @contextmanager
    def handling(self) -> Iterator[None]:
        """Count a batch as being handled for as long as the block runs."""
        with self.changed:
            self.busy += 1
            self.activity += 1
            self.generation += 1
        try:
            yield
        finally:
            with self.changed:
                self.busy -= 1
                self.generation += 1
                self.changed.notify_all()

    def dead_letter(self, source: str, body: str, identifier: str, why: str = "") -> None:
        """Log, remember and announce something given up on.

        Parameters
        ----------
        source
            The source's name.
        body
            The SQS message body, or the stream record as JSON.
        identifier
            The SQS message id, or the record's sequence number.
        why
            Why it was given up on, for the log line; empty for nothing to add.
        """
        log.error("DEAD LETTER %s: %s%s", source, body, f"  ({why})" if why else "")
        with self.changed:
            self.dead_letters.append(DeadLetter(source, body, identifier))
            self.activity += 1
            self.generation += 1
            self.changed.notify_all()

    def caught_up(self, source: str, started: float) -> None:
        """Record that a read of ``source`` begun at ``started`` found nothing new.

        Parameters
        ----------
        source
            The stream source's name.
        started
            ``time.monotonic()`` when that read began.
        """
        with self.changed:
            self.caught_up_at[source] = started
            self.generation += 1
            self.changed.notify_all()
