"""One Chalice Blueprint per seed document (plus /health): parse, call the domain, render."""
