"""The API object: routes under ``/api/v1``, the OpenAPI document at ``/api/openapi.json``,
its interactive docs at ``/api/docs`` (Swagger UI from django-ninja's own static files,
served by whitenoise: no CDN). Every route needs a token and is limited per token."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from firmsync.api import addon, alerts, billing, companies, registry, webhooks
from firmsync.api.auth import TokenAuth
from firmsync.api.errors import install
from firmsync.api.throttle import TokenRate

__all__ = ["api"]

api = NinjaAPI(
    title="firmsync",
    version="1",
    description="Official Romanian company data for a CRM's company cards. "
    "Authenticate with `Authorization: Bearer <token>` (`firmsync token create EMAIL`).",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs=Swagger(settings={"validatorUrl": None}),  # (no call to swagger.io's validator)
    docs_url="/docs",
    auth=TokenAuth(),
    throttle=TokenRate(),
)
install(api)
api.add_router("/v1/companies", companies.router)
api.add_router("/v1/addon", addon.router)
api.add_router("/v1", billing.router)
api.add_router("/v1/alerts", alerts.router)
api.add_router("/v1/registry", registry.router)
api.add_router("/v1/webhooks", webhooks.router)
