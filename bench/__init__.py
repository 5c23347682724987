"""``make bench``: the speed figures PRODUCT.md's quality bar asks for (docs/performance.md).

Never deployed and never a test: it prints figures. Run it with ``python -m bench``.
"""
