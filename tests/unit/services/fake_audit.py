"""In-memory fake of the audit trail (:class:`~functions.services.ports.AuditLog`).

It refuses and orders exactly as ``DynamoAuditLog`` does on the audit table (PK ``session_id``,
SK ``seq``): an entry is written once per key (``attribute_not_exists(seq)``), a second append
with that key changes nothing whatever it carries, and a session's history comes back in the
order DynamoDB sorts a string sort key (by its UTF-8 bytes, which is code point order).
"""

from __future__ import annotations

from functions.services.audit_port import AuditEntry, ExportEntry
from tests.unit.services.fakes import _Port

__all__ = ["FakeAuditLog"]


class FakeAuditLog(_Port):
    """The audit table: one entry per ``(session_id, seq)``, never updated."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], AuditEntry] = {}
        self.exported: dict[tuple[str, str], ExportEntry] = {}

    def append(self, entry: AuditEntry) -> bool:
        self._enter("append", entry.session_id, entry.seq)
        with self.lock:
            key = (entry.session_id, entry.seq)
            if key in self.entries:
                return False
            self.entries[key] = entry
            return True

    def history(self, session_id: str) -> list[AuditEntry]:
        self._enter("history", session_id)
        with self.lock:
            return [
                entry
                for (owner, _), entry in sorted(self.entries.items(), key=lambda kv: kv[0][1])
                if owner == session_id
            ]

    def for_day(self, force: str, day: str) -> list[AuditEntry]:
        self._enter("for_day", force, day)
        with self.lock:
            return sorted(
                (
                    entry
                    for entry in self.entries.values()
                    if entry.created_at and entry.force == force and entry.created_at[:10] == day
                ),
                key=lambda e: f"{e.created_at}#{e.session_id}#{e.seq}".encode(),
            )

    def record_export(self, export: ExportEntry) -> None:
        self._enter("record_export", export.force, export.export_id)
        with self.lock:
            key = (export.force, f"{export.at}#{export.export_id}")
            if key in self.exported:
                raise RuntimeError("an export with this key exists")
            self.exported[key] = export

    def exports(self, force: str) -> list[ExportEntry]:
        self._enter("exports", force)
        with self.lock:
            return [e for (owner, _), e in sorted(self.exported.items()) if owner == force]
