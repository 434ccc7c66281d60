"""Analysis: the rule-based baseline analyzer, its lexicons, figures, places and text similarity."""
