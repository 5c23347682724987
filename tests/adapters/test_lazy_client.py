"""A client the wiring holds but a request may never use is not built until it is used."""

from __future__ import annotations

from functions.adapters import aws


def test_a_lazy_client_is_built_on_first_use_and_is_the_shared_one() -> None:
    aws.reset_clients()
    try:
        lazy = aws.LazyClient("s3")
        assert "s3" not in aws._clients  # nothing paid for at wiring time
        assert lazy.meta.service_model.service_name == "s3"
        assert aws._clients["s3"] is aws.client("s3")
    finally:
        aws.reset_clients()
