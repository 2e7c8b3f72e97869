"""Request dependencies: a connection for reads, the caller (from the kit), and the
recommender the app was built with."""

from typing import Annotated

from fastapi import Depends, Request
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.pg import ConnectionDep

from recommendation_service.service import Recommender


def _recommender(request: Request) -> Recommender:
    recommender: Recommender = request.app.state.recommender
    return recommender


RecommenderDep = Annotated[Recommender, Depends(_recommender)]

__all__ = [
    "ConnectionDep",
    "CurrentUser",
    "RecommenderDep",
    "RequireAdmin",
]
