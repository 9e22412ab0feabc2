"""The shapes of EMQX 5's HTTP authentication and authorization contracts. EMQX reads these
exact top-level fields, so they are not wrapped in the API's `{data}` envelope."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Result = Literal["allow", "deny"]


class BrokerRequest(BaseModel):
    # EMQX sends what its request template names; unknown extras (peerhost, ...) are ignored.
    model_config = ConfigDict(extra="ignore")

    clientid: str = Field(default="", max_length=256)
    username: str = Field(default="", max_length=512)


class AuthenticationRequest(BrokerRequest):
    password: str = Field(default="", max_length=1024)


class AuthorizationRequest(BrokerRequest):
    topic: str = Field(max_length=1024)
    action: str = Field(max_length=32, description="publish | subscribe (EMQX: ${action})")


class AuthenticationResult(BaseModel):
    """A denial is `{"result": "deny"}` alone. No ACL is returned: EMQX asks the
    authorization endpoint about every publish and subscribe instead."""

    result: Result
    is_superuser: bool | None = None


class AuthorizationResult(BaseModel):
    result: Result
