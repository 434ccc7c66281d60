"""Plain-Python domain types: posts, scores, events, alerts and their clocks."""
