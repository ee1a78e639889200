// XLSX table writer (see xlsx_table.h).
#include "api/xlsx_table.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

namespace sy::api {

Result<XlsxTable> XlsxTable::create(const std::string& sheet) {
  char path[] = "/tmp/sy-export-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return make_error(ErrorKind::kInternal, "export_failed", "no temporary file");
  close(fd);
  XlsxTable t;
  t.path_ = path;
  t.wb_ = workbook_new(path);
  if (!t.wb_) return make_error(ErrorKind::kInternal, "export_failed", "cannot start the workbook");
  t.ws_ = workbook_add_worksheet(t.wb_, sheet.c_str());
  t.bold_ = workbook_add_format(t.wb_);
  format_set_bold(t.bold_);
  return t;
}

XlsxTable::XlsxTable(XlsxTable&& other) noexcept
    : path_(std::move(other.path_)),
      wb_(std::exchange(other.wb_, nullptr)),
      ws_(std::exchange(other.ws_, nullptr)),
      bold_(std::exchange(other.bold_, nullptr)),
      title_(std::exchange(other.title_, nullptr)) {
  other.path_.clear();
}

XlsxTable::~XlsxTable() {
  if (wb_) workbook_close(wb_);
  if (!path_.empty()) std::remove(path_.c_str());
}

lxw_format* XlsxTable::format(Style style) {
  switch (style) {
    case Style::kPlain:
      return nullptr;
    case Style::kBold:
      return bold_;
    case Style::kTitle:
      if (!title_) {
        title_ = workbook_add_format(wb_);
        format_set_bold(title_);
        format_set_font_size(title_, 14);
      }
      return title_;
  }
  return nullptr;
}

void XlsxTable::text(std::uint32_t row, std::uint16_t col, const std::string& value, Style style) {
  worksheet_write_string(ws_, row, col, value.c_str(), format(style));
}

void XlsxTable::number(std::uint32_t row, std::uint16_t col, double value, Style style) {
  worksheet_write_number(ws_, row, col, value, format(style));
}

void XlsxTable::header(std::uint32_t row, const std::vector<std::string>& titles) {
  for (std::size_t c = 0; c < titles.size(); ++c)
    text(row, static_cast<std::uint16_t>(c), titles[c], Style::kBold);
}

void XlsxTable::column_width(std::uint16_t first, std::uint16_t last, double width) {
  worksheet_set_column(ws_, first, last, width, nullptr);
}

Result<std::string> XlsxTable::finish() {
  lxw_error err = workbook_close(std::exchange(wb_, nullptr));
  std::ifstream in(path_, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  std::remove(path_.c_str());
  path_.clear();
  if (err != LXW_NO_ERROR)
    return make_error(ErrorKind::kInternal, "export_failed", lxw_strerror(err));
  return buf.str();
}

}  // namespace sy::api
