"""Date formats per language where Django's own differ from the project's (core/dates.py)."""
