"""The leaf: entities, values, errors and the event catalogue. Imports nothing of Parley's,
so every layer may import it (see .importlinter)."""
