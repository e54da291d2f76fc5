"""The shop's date and time formats, one per language (settings.FORMAT_MODULE_PATH): every page,
email and message that shows a date says it the same way in its language. A date is
DATE_FORMAT; a moment is DATETIME_FORMAT (the short forms are the same); a delivery day, with
its weekday and without the year, is MONTH_DAY_FORMAT. Input formats stay Django's."""
