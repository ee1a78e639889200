// Builds the OpenAPI 3.0 document from the routes registered on a Router, so that
// GET /api/v1/openapi.json describes exactly the endpoints that exist.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "http/router.h"

namespace sy::http {

struct OpenApiInfo {
  std::string title = "Switchyard API";
  std::string version = "0.1.0";
  std::string description;
};

nlohmann::json openapi(const Router& router, const OpenApiInfo& info);

// Registers GET `path` (default /api/v1/openapi.json) serving openapi(router, info); the
// document is built on the first request, after every route has been added.
void add_openapi_route(Router& router, OpenApiInfo info, std::string path = "/api/v1/openapi.json");

}  // namespace sy::http
