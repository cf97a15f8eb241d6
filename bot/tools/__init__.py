"""Tools beside the bot: benchmarks, the demo and its throwaway homeserver, evaluations."""
