"""The API gateway: the single entry point on port 8000.

It routes `/api/<area>/...` to the service that owns the area, checks the access token and the
role the route needs, limits request rates and body sizes, and streams bodies both ways.
"""
