# Tests of the client: async calls, notifications, threads, reconnect.
