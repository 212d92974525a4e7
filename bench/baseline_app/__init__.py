"""The load benchmark's baseline: a bare Django project with one view that inserts a page's answers as JSON.

Served by gunicorn with the same settings as ``luotain serve`` (see ``bench/load_bench.py``); its database
settings are Luotain's (SQLite in WAL mode with immediate transactions, or PostgreSQL with persistent
connections), so that what differs is only what Luotain does in a request beyond the insert.
"""
