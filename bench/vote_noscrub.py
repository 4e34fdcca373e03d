"""Klynge's WSGI application with the SQLite log left alone after each secret vote.

Only for `bench.vote_load`'s `:noscrub` variant, which shows what `secrecy.after_secret_write` costs
under a burst of votes. Never serve Klynge with it: a copy of the log would then pair votes with voters.
"""

from klynge.core import secrecy

secrecy.after_secret_write = lambda: None

from klynge.wsgi import application  # noqa: E402 - after the switch, which must come first

__all__ = ["application"]
