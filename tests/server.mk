# Tests of the server's limits, Unix socket policy, stats and embedding (issue: runtime for real programs).
