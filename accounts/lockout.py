"""Sign-in lock-out by user name *and* by address (django-axes).

``AXES_LOCKOUT_PARAMETERS`` lists two counters, in this order:

1. the user name from one address: ``AXES_FAILURE_LIMIT`` failures (5) lock that user name
   *from that address* — somebody guessing the administrator's password elsewhere cannot lock
   the administrator out of their own office;
2. the address alone: ``AXES_ADDRESS_FAILURE_LIMIT`` failures (30) lock every sign-in from it —
   one machine trying many user names is stopped, while a district office behind one shared NAT
   address can make a fair number of typos before it is.

django-axes compares one number with one limit, so ``get_failures`` reports the user-name
count, raised to the limit once the address count reaches its own, larger limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class UserAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        by_user, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(by_user, settings.AXES_FAILURE_LIMIT)
        return by_user

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that user name's count from that address only: one's own
        account must not wipe the address counter another user name built up."""
        by_user = self.filter_user_attempts(request, credentials)[0]
        count, _ = by_user.delete()
        return count
