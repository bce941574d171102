"""Django's PostgreSQL backend, with lists sent to the server in binary (see ``base``)."""
