"""Infrastructure as code: the whole Safe Connection system as one AWS CDK app (never deployed)."""
