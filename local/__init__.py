"""The local stack (never deployed): embedded AWS, gateway emulator, SQS pump, demo seed.

Run it with `make run` (or `python -m local --help`).
"""
