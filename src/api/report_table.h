// A report as a table (the shape every report endpoint answers with) and its exports: CSV
// (UTF-8 with a byte-order mark so spreadsheet programs read Chinese), XLSX (libxlsxwriter) and
// PDF (libharu with an embedded Chinese TrueType font). Private to src/api.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace sy::api {

struct ReportColumn {
  std::string key;
  std::string title;             // in the asked language
  std::string unit;              // "" (text), "count", "percent", "seconds", "hours"
};

struct ReportRow {
  std::string key;    // group key: period label, queue name, agent id, region code, type code
  std::string label;  // what people read
  bool drill = false; // a region with regions below it
  std::vector<std::optional<double>> values;  // one per column after the first; nullopt = n/a
};

struct ReportTable {
  std::string name;    // service-level, ...
  std::string title;   // 服务水平报表
  std::string subtitle;  // range, region, grouping in words
  std::vector<ReportColumn> columns;  // columns[0] is the group column
  std::vector<ReportRow> rows;
  ReportRow totals;
  // A second small table (IVR node counts, work-order states): title, header, rows of text.
  std::string extra_title;
  std::vector<std::string> extra_header;
  std::vector<std::vector<std::string>> extra_rows;
};

// A value as the exports print it: counts whole, percents and averages with one decimal.
std::string format_value(const std::optional<double>& v, const std::string& unit);

std::string report_csv(const ReportTable& t);
Result<std::string> report_xlsx(const ReportTable& t);
// Errors: internal "export_failed" (no Chinese font on the server: fonts-wqy-microhei).
Result<std::string> report_pdf(const ReportTable& t);

}  // namespace sy::api
