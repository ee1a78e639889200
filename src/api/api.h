// The REST API under /api/v1 (design §5): registers every resource's routes and the session
// middleware (session cookie, CSRF token, role permission) on a router.
#pragma once

#include "api/context.h"
#include "http/router.h"

namespace sy::api {

// Adds the middleware and every /api/v1 route, including /api/v1/openapi.json. `ctx` must
// outlive the router.
void register_api(http::Router& router, Context& ctx);

}  // namespace sy::api
