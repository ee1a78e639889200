// Work-order JSON and exports (see work_order_json.h).
#include "api/work_order_json.h"

#include <cstdlib>

#include "api/json_codec.h"
#include "api/xlsx_table.h"

namespace sy::api {
namespace {

using nlohmann::json;

template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

bool running_late(const store::WorkOrder& o, TimePoint now) {
  const auto& p = o.progress;
  if (p.overdue) return true;
  if (p.state == workflow::OrderState::kResolved ||
      p.state == workflow::OrderState::kReturnVisit || !workflow::is_open(p.state))
    return false;
  return (p.step_due_at && *p.step_due_at < now) || (p.due_at && *p.due_at < now);
}

struct Column {
  const char* name;
  std::string (*value)(const store::WorkOrder&, TimePoint);
};

std::string time_text(const std::optional<TimePoint>& t) { return t ? format_rfc3339(*t) : ""; }

const Column kColumns[] = {
    {"number", [](const store::WorkOrder& o, TimePoint) { return o.number; }},
    {"type", [](const store::WorkOrder& o, TimePoint) { return o.type_code; }},
    {"subtype", [](const store::WorkOrder& o, TimePoint) { return o.subtype; }},
    {"state",
     [](const store::WorkOrder& o, TimePoint) {
       return std::string(workflow::to_string(o.progress.state));
     }},
    {"customer", [](const store::WorkOrder& o, TimePoint) { return o.customer_name; }},
    {"account_no", [](const store::WorkOrder& o, TimePoint) { return o.account_no; }},
    {"phone", [](const store::WorkOrder& o, TimePoint) { return o.phone; }},
    {"region", [](const store::WorkOrder& o, TimePoint) { return o.region_code; }},
    {"department", [](const store::WorkOrder& o, TimePoint) { return o.progress.department; }},
    {"channel", [](const store::WorkOrder& o, TimePoint) { return o.channel; }},
    {"created_at",
     [](const store::WorkOrder& o, TimePoint) { return format_rfc3339(o.progress.created_at); }},
    {"step_due_at",
     [](const store::WorkOrder& o, TimePoint) { return time_text(o.progress.step_due_at); }},
    {"due_at", [](const store::WorkOrder& o, TimePoint) { return time_text(o.progress.due_at); }},
    {"overdue",
     [](const store::WorkOrder& o, TimePoint now) {
       return std::string(running_late(o, now) ? "yes" : "no");
     }},
    {"description", [](const store::WorkOrder& o, TimePoint) { return o.description; }},
};

std::string csv_cell(const std::string& v) {
  // Quote everything that needs it; a leading = + - @ would be run as a formula by
  // spreadsheet programs, so it is prefixed with an apostrophe.
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

json work_order_json(const store::WorkOrder& o, TimePoint now) {
  const auto& p = o.progress;
  json fields = json::parse(o.fields_json, nullptr, false);
  if (fields.is_discarded()) fields = json::object();
  return {{"id", o.id},
          {"number", o.number},
          {"type", o.type_code},
          {"subtype", o.subtype},
          {"state", std::string(workflow::to_string(p.state))},
          {"step", p.step},
          {"customer_id", opt(o.customer_id)},
          {"customer_name", o.customer_name},
          {"account_no", o.account_no.empty() ? json(nullptr) : json(o.account_no)},
          {"phone", o.phone},
          {"region_code", o.region_code},
          {"area_class", o.area_class},
          {"description", o.description},
          {"channel", o.channel},
          {"call_id", opt(o.call_id)},
          {"fields", fields},
          {"department", p.department},
          {"responsible_region", p.responsible_region},
          {"assignee_id", opt(o.assignee_user_id)},
          {"parent_id", opt(o.parent_id)},
          {"outage_id", opt(o.outage_id)},
          {"escalation_level", p.escalation_level},
          {"urge_count", p.urge_count},
          {"arrived_at", time_or_null(p.arrived_at)},
          {"step_due_at", time_or_null(p.step_due_at)},
          {"due_at", time_or_null(p.due_at)},
          {"overdue", running_late(o, now)},
          {"created_by", opt(o.created_by)},
          {"created_at", format_rfc3339(p.created_at)},
          {"updated_at", format_rfc3339(o.updated_at)},
          {"resolved_at", time_or_null(p.resolved_at)},
          {"closed_at", time_or_null(p.closed_at)}};
}

json attachment_json(const store::WorkOrderAttachment& a) {
  return {{"id", a.id},
          {"order_id", a.order_id},
          {"sha256", a.sha256},
          {"file_name", a.file_name},
          {"content_type", a.content_type},
          {"size_bytes", a.size_bytes},
          {"uploaded_by", opt(a.uploaded_by)},
          {"uploaded_at", format_rfc3339(a.uploaded_at)},
          {"url", "/api/v1/work-orders/" + std::to_string(a.order_id) + "/attachments/" +
                      std::to_string(a.id)}};
}

json work_order_detail_json(const store::WorkOrderDetail& d, TimePoint now) {
  json j = work_order_json(d.order, now);
  json transitions = json::array();
  for (const auto& t : d.transitions) {
    transitions.push_back({{"id", t.id},
                           {"at", format_rfc3339(t.at)},
                           {"user_id", opt(t.user_id)},
                           {"from", opt(t.from_state)},
                           {"to", t.to_state},
                           {"action", t.action},
                           {"note", t.note}});
  }
  j["transitions"] = std::move(transitions);
  json files = json::array();
  for (const auto& a : d.attachments) files.push_back(attachment_json(a));
  j["attachments"] = std::move(files);
  j["merged"] = d.merged_numbers;
  return j;
}

std::string work_orders_csv(const std::vector<store::WorkOrder>& orders, TimePoint now) {
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < std::size(kColumns); ++i)
    out += std::string(i ? "," : "") + kColumns[i].name;
  out += "\r\n";
  for (const auto& o : orders) {
    for (std::size_t i = 0; i < std::size(kColumns); ++i) {
      if (i) out += ',';
      out += csv_cell(kColumns[i].value(o, now));
    }
    out += "\r\n";
  }
  return out;
}

Result<std::string> work_orders_xlsx(const std::vector<store::WorkOrder>& orders,
                                     TimePoint now) {
  auto sheet = XlsxTable::create("work orders");
  if (!sheet) return sheet.error();
  std::vector<std::string> header;
  for (const auto& c : kColumns) header.push_back(c.name);
  sheet->header(0, header);
  for (std::size_t r = 0; r < orders.size(); ++r) {
    for (std::size_t c = 0; c < std::size(kColumns); ++c)
      sheet->text(static_cast<std::uint32_t>(r + 1), static_cast<std::uint16_t>(c),
                  kColumns[c].value(orders[r], now));
  }
  return sheet->finish();
}

}  // namespace sy::api
