"""The API's one alias convention: snake_case fields in Python, camelCase on the wire.

Services return typed views with snake_case fields (frozen dataclasses or pydantic models); only
the API turns them into camelCase JSON, through these bases. Response bodies (`ApiModel`) are
built from snake_case names or straight from a view's attributes; request bodies
(`ApiRequest`) accept the camelCase keys only, as the API documents them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """A response body: `Out(field_name=...)` or `Out.model_validate(view)`; dumps camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        from_attributes=True,
    )


class ApiRequest(ApiModel):
    """A request body: only the documented camelCase keys are accepted; `model_dump()` gives the
    snake_case names, so a request can be handed to the domain's own input model as it is."""

    model_config = ConfigDict(
        validate_by_name=False, from_attributes=False, serialize_by_alias=False
    )


# A time as Python's isoformat() spells it ("+00:00", not "Z"): the shape the integration and
# sync-run answers have always had.
IsoDateTime = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]
