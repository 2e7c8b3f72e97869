"""The envelope every message carries, and the base class of every event's data."""

from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field


class Event(BaseModel):
    """The `data` of one event type. Subclasses set TYPE (the routing key) and VERSION.

    Consumers ignore unknown fields, so producers may add fields without breaking them;
    removing or retyping a field needs a new VERSION.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: UUID = Field(default_factory=uuid4)
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    correlation_id: UUID = Field(default_factory=uuid4)
    causation_id: UUID | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        event: Event,
        *,
        producer: str,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
    ) -> "Envelope":
        return cls(
            type=event.TYPE,
            version=event.VERSION,
            producer=producer,
            correlation_id=correlation_id or uuid4(),
            causation_id=causation_id,
            data=event.model_dump(mode="json"),
        )
