"""The conversation policy (pure): an incoming message as plain data in, what to do out.

No nio, no SQLite, no network: the Matrix shell translates events into `Incoming` and carries
out the `Decision` (send, count, redact, run a stored command).
"""
