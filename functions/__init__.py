"""Safe Connection backend code: domain model, adapters and HTTP handlers."""
