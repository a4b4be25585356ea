"""Renderers: one module per API document, the only place its shapes and its timestamp format
are decided. REST surfaces and realtime dialects of the same document share them."""
