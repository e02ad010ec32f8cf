# Django's Arabic formats have no date-and-time format and would fall back to the
# American "N j, Y, P"; write the day first, as the date alone is written.
DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATETIME_FORMAT = "j/n/Y H:i"
TIME_FORMAT = "H:i"
