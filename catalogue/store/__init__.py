"""The catalogue's persistence: tables, the database connection, and the read and write sides."""
