// A one-sheet XLSX workbook for exports (libxlsxwriter): header rows in bold, text and number
// cells, column widths; finish() gives the file's bytes. Private to src/api.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace sy::api {

class XlsxTable {
 public:
  enum class Style { kPlain, kBold, kTitle };  // kTitle: bold, 14 pt

  // A workbook with one sheet named `sheet`; error export_failed when it cannot be started.
  static Result<XlsxTable> create(const std::string& sheet);
  XlsxTable(XlsxTable&& other) noexcept;
  XlsxTable& operator=(XlsxTable&&) = delete;
  XlsxTable(const XlsxTable&) = delete;
  XlsxTable& operator=(const XlsxTable&) = delete;
  ~XlsxTable();

  void text(std::uint32_t row, std::uint16_t col, const std::string& value,
            Style style = Style::kPlain);
  void number(std::uint32_t row, std::uint16_t col, double value, Style style = Style::kPlain);
  // Column titles in bold from column 0 on.
  void header(std::uint32_t row, const std::vector<std::string>& titles);
  void column_width(std::uint16_t first, std::uint16_t last, double width);

  // Closes the workbook and returns the file's bytes (error export_failed).
  Result<std::string> finish();

 private:
  XlsxTable() = default;
  lxw_format* format(Style style);

  std::string path_;  // libxlsxwriter writes a file: a private temporary one, removed after
  lxw_workbook* wb_ = nullptr;
  lxw_worksheet* ws_ = nullptr;
  lxw_format* bold_ = nullptr;
  lxw_format* title_ = nullptr;
};

}  // namespace sy::api
