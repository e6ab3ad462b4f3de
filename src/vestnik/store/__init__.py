"""Keep and find: the article store (SQLite by default, PostgreSQL for teams) and its search."""
