"""Keep a signed-in session alive without writing it on every request.

With ``SESSION_SAVE_EVERY_REQUEST`` every page view was a database write (on SQLite it queued
behind any long import and failed); now the session is saved — which moves its expiry to now +
``SESSION_COOKIE_AGE`` — only when ``SESSION_REFRESH_INTERVAL`` seconds have passed since the last
save. A session still ends after ``SESSION_COOKIE_AGE`` idle seconds (give or take the interval).
"""

import time

from django.conf import settings

REFRESHED_KEY = "_refreshed_at"


class SessionRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # Before the view, so a sign-out (which empties the session) is never undone.
        if session.session_key and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_INTERVAL:
                session[REFRESHED_KEY] = now
        return self.get_response(request)
