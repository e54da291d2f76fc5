"""The database backends' shared part (see backend.py for how a search runs): backend (the base
class and the search itself), sql (tables, columns, query syntax), indexing, postings (frequent
stems), typos (query planning against the vocabulary), facet_counts and autocomplete. SQLite and
PostgreSQL each supply their full-text match (sqlite.py, postgres.py)."""
