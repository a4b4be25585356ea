"""WebSocket machinery: dialect dispatch for $connect/$default/$disconnect, and the one sender."""
