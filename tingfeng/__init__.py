"""听风 tingfeng: composition root (bootstrap), task runners and the command line."""
