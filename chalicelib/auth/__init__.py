"""Identity: passwords, tokens, API keys, principals."""
