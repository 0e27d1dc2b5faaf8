"""The actor tests use for set-up writes: full rights, like a management command."""

from accounts.permissions import system_actor

SYSTEM = system_actor("tests")
