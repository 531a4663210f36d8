"""English pages write a date as the documents' English does (core/dates.legal_date): 10 March
2025, not Django's "March 10, 2025" beside it, and a moment with its 24-hour time."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
