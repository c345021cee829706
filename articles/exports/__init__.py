"""Exports of what readers see, as CSV and GeoJSON: quotes and place mentions for any list a
reader can reach (the same search and filters as the article list, which is also how a
speaker's, a place's and an outlet's export is asked for), the speaker and place lists, and the
places and mentions as GeoJSON (RFC 7946: WGS 84, longitude first).

Every export is streamed: the rows come from one query (what a row lists, a quote's places and
who annotated it, are subqueries of it) read a chunk at a time (a server-side cursor on
PostgreSQL) and written a chunk at a time, so memory stays flat whatever the number of rows.
Only reader-visible spans (``visible()``) and public names are exported, to everyone: drafts and
suggestions never leave through an export. A text cell that a spreadsheet would read as a
formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is escaped with a
leading apostrophe; numbers are written as numbers.
"""
