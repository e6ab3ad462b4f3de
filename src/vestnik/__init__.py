"""vestnik: news articles in, structured knowledge out — who said what, to whom, when and where."""

__version__ = "0.1.0"
