"""Adapters: each wraps one injected boto3 client and speaks the domain's language."""
