"""Idea rounds (projektgenerering): a workshop where members propose topics, give dots and sign up
for interest groups; the groups' ideas become projects (klynge.projects.services)."""
