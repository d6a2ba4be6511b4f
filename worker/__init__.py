"""Entry points of the job processes: `python -m worker.main worker|scheduler`."""
