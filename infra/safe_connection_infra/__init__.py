"""The Safe Connection CDK app: one stack per stage, built from ``functions/resources.py``."""
