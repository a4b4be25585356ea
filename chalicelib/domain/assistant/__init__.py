"""Seed 002: end users chat with a site's AI assistants (docs/api-002-assistant.md).

- `ids`        integer ids (time + random bits), JavaScript-safe;
- `text`       search terms: case- and accent-insensitive words (pure);
- `replies`    the local engine's answers and token estimates (pure);
- `assistants` a site's assistants, managed by its admins;
- `responder`  which provider answers (local engine, Bedrock), the site's ledger and budget;
- `chats`      an end user's conversations and messages, AI responses, deletion;
- `insights`   the dashboard and global analytics, from counters written with the messages;
- `search`     message search through the per-term index written with each message.
"""
