"""HTTP entry points: Chalice blueprints that only translate between HTTP and the use cases."""
