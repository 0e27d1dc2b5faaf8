"""Keep a signed-in session alive without writing it on every request.

With ``SESSION_SAVE_EVERY_REQUEST`` every page view was a database write (on SQLite it queued
behind any long import and failed); now the session is saved — which moves its expiry to now +
``SESSION_COOKIE_AGE`` — only when ``SESSION_REFRESH_INTERVAL`` seconds have passed since the last
save. A session still ends after ``SESSION_COOKIE_AGE`` idle seconds (give or take the interval).
"""

import time
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.auth.middleware import auser
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

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


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, with the signed-in account read by ``accounts.selectors.user_with_unit`` (one
    hand-written query, the unit joined) when the session's backend reads it as
    ``ModelBackend`` does; any other backend is asked as Django asks it. ``request.auser`` is
    Django's."""

    def process_request(self, request):
        super().process_request(request)  # its checks, and request.auser
        request.user = SimpleLazyObject(lambda: _cached_user(request))
        request.auser = partial(auser, request)


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request)
    return request._cached_user


def session_user(request):
    """``django.contrib.auth.get_user`` (Django 5.2), step for step: the session's user id and
    backend, the backend's user (``ModelBackend``'s read hand-written), the session hash
    checked against the current secret, then the fallbacks (the key cycled), else the session
    flushed and the user anonymous."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.selectors import user_with_unit

    user = None
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = auth.load_backend(backend_path)
            if type(backend).get_user is ModelBackend.get_user:
                user = user_with_unit(user_id)
                if user is not None and not backend.user_can_authenticate(user):
                    user = None
            else:
                user = backend.get_user(user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(auth.HASH_SESSION_KEY)
                if not session_hash:
                    verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    verified = constant_time_compare(session_hash, session_auth_hash)
                if not verified:
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback)
                        for fallback in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[auth.HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()
