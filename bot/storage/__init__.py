"""The bot's own SQLite database (aiosqlite): sync position, answered markers, guidance, statistics."""
