"""Staff sign-in state (SPEC §10): sessions and pending Cognito challenges, keyed by a hash.

The browser holds a random id (the cookie, or a ``challenge_session``); the table holds only its
SHA-256, so a leaked table read gives nobody a session. ``kind`` tells the two kinds of row apart.
A session lives until ``idle_until`` (pushed forward on every request, 30 minutes) and never past
``expires_at`` (12 hours from sign-in); both are epoch seconds so a condition can compare them.
``ttl`` lets DynamoDB delete a dead row; correctness never waits for it (every read checks the
times in its condition).
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import GlobalSecondaryIndex, meta

SESSION = "session"
CHALLENGE = "challenge"


class SessionUserIndex(GlobalSecondaryIndex):
    """A user's sessions, so that signing out everywhere, disabling or a role change ends them all."""

    class Meta:
        index_name = "user-index"
        projection = KeysOnlyProjection()
        billing_mode = "PAY_PER_REQUEST"

    user_id = UnicodeAttribute(hash_key=True)


class SessionModel(Model):
    Meta = meta("sessions")

    id_hash = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # SESSION | CHALLENGE
    expires_at = NumberAttribute()  # absolute end (epoch seconds)
    ttl = TTLAttribute()
    # A session
    user_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)
    agency_id = UnicodeAttribute(null=True)
    agency_path = ListAttribute(of=UnicodeAttribute, null=True)
    csrf_token = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    idle_until = NumberAttribute(null=True)
    # A pending challenge: Cognito's own session string never leaves the server.
    challenge = UnicodeAttribute(null=True)
    cognito_session = UnicodeAttribute(null=True)
    username = UnicodeAttribute(null=True)  # Cognito's username for the user (its ``sub`` in an e-mail pool)
    attempts = NumberAttribute(null=True)
    claimed_at = NumberAttribute(null=True)

    user_index = SessionUserIndex()
