"""Server-rendered pages (Bahasa Indonesia first). Every value is HTML-escaped."""
