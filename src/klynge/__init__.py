"""Klynge: a web platform for Danish general-practice quality clusters."""
