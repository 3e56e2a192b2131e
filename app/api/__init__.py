"""The JSON API under /api/v1/ for the systems around Khidma (HR, reporting): API tokens with
scopes, request and response schemas, the endpoints and the OpenAPI document built from the
same schemas."""
