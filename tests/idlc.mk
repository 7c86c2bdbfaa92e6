# tests for idlc
