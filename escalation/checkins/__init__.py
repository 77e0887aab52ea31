"""Daily check-in calls (issue 13): who is called and when, the dial list, results, missed readings.

The database is the source of truth (``checkin_windows``, ``checkin_attempts``); rq's scheduler runs
the timed jobs (``jobs``); the SIP workers take calls through ``desk.QueueCheckinDesk``.
"""
