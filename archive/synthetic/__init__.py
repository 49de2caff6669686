"""Synthetic archives for benchmarking: ``manage.py generate_archive --scale XS|S|M|L``.

Realistic, deterministic records at any size: names in Azerbaijani (Latin),
Persian, Russian, Turkish and English; partial dates of every precision
clustered on the autumn 2020 war; a real place hierarchy with generated
villages; count claims, sources and citations; drafts, withdrawals,
restrictions and at-risk people; updates spread over years.

Modules: ``scales`` (how many), ``rng`` (seeded streams, public ids),
``names``/``places``/``bodies``/``phrases`` (the words), ``timeline`` (dates,
timestamps, editorial state), ``actors``/``sources``/``events``/``statements``
(rows per record type), ``common`` (parts every record has), ``schema`` (tables
and columns), ``loader`` (COPY or INSERT), ``pgbulk`` (PostgreSQL index and
constraint handling), ``runner`` (the phases, then the search index, derived from
the records by the write path, as every write derives it).
"""
