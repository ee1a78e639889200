// Work orders as the API shows them (JSON), and as exports (CSV, XLSX). Private to src/api.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/work_order_records.h"

namespace sy::api {

// `now` decides whether an open order is running late.
nlohmann::json work_order_json(const store::WorkOrder& o, TimePoint now);
nlohmann::json work_order_detail_json(const store::WorkOrderDetail& d, TimePoint now);
nlohmann::json attachment_json(const store::WorkOrderAttachment& a);

// The export columns, one row per order: CSV (UTF-8 with BOM so spreadsheet programs read the
// Chinese text) and XLSX (libxlsxwriter).
std::string work_orders_csv(const std::vector<store::WorkOrder>& orders, TimePoint now);
Result<std::string> work_orders_xlsx(const std::vector<store::WorkOrder>& orders, TimePoint now);

}  // namespace sy::api
