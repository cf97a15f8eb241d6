"""The Matrix shell: login, sync, events into the policy's input, its decisions into sends.

Nothing here decides what to answer: that is `bot.conversation`.
"""
