import pytest
from django.test import Client

from api.services import create_token
from tests.actors import SYSTEM


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """The request counts live in the database cache (rolled back with each test); cleared
    anyway, for a test database kept between runs."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def token_for(user, **kwargs) -> str:
    return create_token(owner=user, user=SYSTEM, **kwargs)[1]


@pytest.fixture
def api_client():
    """api_client(user) → a client sending that user's new token on every request."""

    def make(user, **kwargs):
        return Client(headers={"Authorization": f"Bearer {token_for(user, **kwargs)}"})

    return make
