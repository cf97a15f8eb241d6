"""The pure core: knowledge in, text in, an `Answer` and its rendering out.

Nothing here imports nio, aiosqlite, aiohttp or watchfiles, nor the conversation, Matrix,
storage or tools packages (tests/test_architecture.py checks it).
"""
