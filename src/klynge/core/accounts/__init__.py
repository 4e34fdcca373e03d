"""Logging in: password, then a second factor from django-otp (an authenticator app, or a backup code).

Failed passwords and failed codes are counted by django-axes (core/throttling.py) against the
normalised identity and the client address; each device of django-otp also doubles its own wait
after every wrong code, and a TOTP code is accepted once only (django-otp's `last_t`). A correct
password clears neither count: the password step only leads to the code page.

forms (login and code), views (the login steps and the set-up pages), middleware (sliding sessions,
second factor required), services (writes to devices) and selectors (reads). Here: the session keys
that the steps, passkeys (passkeys.py) and the broker login (core/oidc.py) share.
"""

PENDING_KEY = "klynge_two_factor_person"
NEXT_KEY = "klynge_two_factor_next"
SETUP_KEY = "klynge_totp_pending"
NEW_CODES_KEY = "klynge_new_backup_codes"
# Set when the login itself was strong (MitID Erhverv through OpenID Connect).
STRONG_LOGIN_KEY = "klynge_strong_login"
