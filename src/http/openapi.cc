// OpenAPI 3.0 document from the router's routes and their RouteDoc.
#include "http/openapi.h"

#include <memory>
#include <mutex>

namespace sy::http {

namespace {

using nlohmann::json;

std::string lower_method(Method m) {
  std::string s(method_name(m));
  for (char& c : s) c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string operation_id(const Route& r) {
  if (!r.doc.operation_id.empty()) return r.doc.operation_id;
  std::string id = lower_method(r.method);
  for (const auto& seg : r.segments) {
    if (seg.empty()) continue;
    id += '_';
    for (char c : seg) {
      if (c == '{' || c == '}') continue;
      id += (c == '-' || c == '.') ? '_' : c;
    }
  }
  return id;
}

json parameters(const Route& r) {
  json out = json::array();
  for (const auto& p : r.doc.parameters) {
    json j = {{"name", p.name},
              {"in", p.in},
              {"required", p.in == "path" || p.required},
              {"schema", p.schema}};
    if (!p.description.empty()) j["description"] = p.description;
    out.push_back(std::move(j));
  }
  for (const auto& seg : r.segments) {
    if (seg.size() < 2 || seg.front() != '{' || seg.back() != '}') continue;
    std::string name = seg.substr(1, seg.size() - 2);
    bool documented = false;
    for (const auto& p : r.doc.parameters) documented |= (p.in == "path" && p.name == name);
    if (!documented) {
      out.push_back(
          {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
  }
  return out;
}

json responses(const Route& r) {
  json out = json::object();
  for (const auto& doc : r.doc.responses) {
    json j = {{"description", doc.description.empty() ? "OK" : doc.description}};
    if (!doc.schema.is_null()) {
      j["content"] = {{"application/json", {{"schema", doc.schema}}}};
    }
    out[std::to_string(doc.status)] = std::move(j);
  }
  if (r.doc.responses.empty()) out["200"] = {{"description", "OK"}};
  json error_ref = {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}};
  auto add_error = [&](const char* status, const char* text) {
    if (!out.contains(status)) out[status] = {{"description", text}, {"content", error_ref}};
  };
  if (!r.doc.request_body.is_null() || !r.segments.empty()) {
    add_error("400", "invalid input (error shape)");
  }
  if (r.doc.auth_required) add_error("401", "not signed in");
  if (!r.doc.permission.empty()) add_error("403", "missing permission");
  add_error("default", "error (error shape)");
  return out;
}

json operation(const Route& r) {
  json op = {{"operationId", operation_id(r)}, {"responses", responses(r)}};
  if (!r.doc.summary.empty()) op["summary"] = r.doc.summary;
  if (!r.doc.description.empty()) op["description"] = r.doc.description;
  if (!r.doc.tag.empty()) op["tags"] = json::array({r.doc.tag});
  json params = parameters(r);
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!r.doc.request_body.is_null()) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", r.doc.request_body}}}}}};
  }
  op["security"] =
      r.doc.auth_required ? json::array({{{"session", json::array()}}}) : json::array();
  if (!r.doc.permission.empty()) op["x-permission"] = r.doc.permission;
  if (r.doc.auth_required && !r.doc.csrf_exempt && r.method != Method::kGet &&
      r.method != Method::kHead) {
    op["x-csrf-required"] = true;
  }
  return op;
}

}  // namespace

json openapi(const Router& router, const OpenApiInfo& info) {
  json paths = json::object();
  for (const auto& r : router.routes()) {
    paths[r.pattern][lower_method(r.method)] = operation(r);
  }
  json doc = {
      {"openapi", "3.0.3"},
      {"info", {{"title", info.title}, {"version", info.version}}},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes",
         {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "sy_session"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"error"}},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", {"code", "message"}},
                {"properties",
                 {{"code", {{"type", "string"}}},
                  {"message", {{"type", "string"}}},
                  {"field", {{"type", "string"}}}}}}}}}}}}}}},
  };
  if (!info.description.empty()) doc["info"]["description"] = info.description;
  return doc;
}

void add_openapi_route(Router& router, OpenApiInfo info, std::string path) {
  struct Cache {
    std::once_flag once;
    std::string body;
  };
  auto cache = std::make_shared<Cache>();
  const Router* r = &router;
  RouteDoc doc;
  doc.summary = "OpenAPI 3 description of every endpoint";
  doc.tag = "meta";
  doc.auth_required = false;
  doc.responses = {{200, "the OpenAPI document", json{{"type", "object"}}}};
  router.get(
      std::move(path),
      [cache, r, info = std::move(info)](Request&) {
        std::call_once(cache->once, [&] { cache->body = openapi(*r, info).dump(); });
        return Response::text(200, cache->body, "application/json; charset=utf-8");
      },
      std::move(doc));
}

}  // namespace sy::http
