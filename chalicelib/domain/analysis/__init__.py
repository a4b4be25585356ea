"""AI analysis: one analyzer interface, a local engine and an Amazon Bedrock provider.

- `schema`   the documented result shapes and their validation;
- `engine`   the local, deterministic engine (lexicon in `lexicon`, words in `replies`);
- `bedrock`  the Bedrock provider (Converse API), falling back to the local engine;
- `service`  which analyzer a site gets (settings, per-site budget) and the usage ledger.
"""
