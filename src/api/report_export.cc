#include <hpdf.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/report_table.h"

namespace sy::api {
namespace {

std::string csv_quote(const std::string& v) {
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

// Chinese TrueType fonts Debian ships, in order of preference.
const char* const kFonts[] = {
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
};

void pdf_error(HPDF_STATUS, HPDF_STATUS, void* user) { *static_cast<bool*>(user) = true; }

}  // namespace

std::string format_value(const std::optional<double>& v, const std::string& unit) {
  if (!v) return "-";
  char buf[64];
  if (unit == "count" || unit == "seconds")
    std::snprintf(buf, sizeof buf, "%.0f", std::round(*v));
  else
    std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

std::string report_csv(const ReportTable& t) {
  std::string out = "\xEF\xBB\xBF";  // BOM: Excel reads the file as UTF-8
  auto line = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += csv_quote(cells[i]);
    }
    out += "\r\n";
  };
  line({t.title});
  line({t.subtitle});
  std::vector<std::string> header;
  for (const auto& c : t.columns) header.push_back(c.title);
  line(header);
  auto row_cells = [&t](const ReportRow& r) {
    std::vector<std::string> cells{r.label};
    for (std::size_t i = 0; i < r.values.size(); ++i)
      cells.push_back(format_value(r.values[i], t.columns[i + 1].unit));
    return cells;
  };
  for (const auto& r : t.rows) line(row_cells(r));
  line(row_cells(t.totals));
  if (!t.extra_rows.empty()) {
    line({});
    line({t.extra_title});
    line(t.extra_header);
    for (const auto& r : t.extra_rows) line(r);
  }
  return out;
}

Result<std::string> report_xlsx(const ReportTable& t) {
  char path[] = "/tmp/sy-report-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return make_error(ErrorKind::kInternal, "export_failed", "no temporary file");
  close(fd);
  lxw_workbook* wb = workbook_new(path);
  if (!wb) {
    std::remove(path);
    return make_error(ErrorKind::kInternal, "export_failed", "cannot start the workbook");
  }
  lxw_worksheet* ws = workbook_add_worksheet(wb, "report");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 14);
  worksheet_write_string(ws, 0, 0, t.title.c_str(), title);
  worksheet_write_string(ws, 1, 0, t.subtitle.c_str(), nullptr);
  lxw_row_t row = 3;
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), t.columns[c].title.c_str(), bold);
  worksheet_set_column(ws, 0, 0, 24, nullptr);
  worksheet_set_column(ws, 1, static_cast<lxw_col_t>(t.columns.size()), 12, nullptr);
  auto write_row = [&](const ReportRow& r, lxw_format* f) {
    ++row;
    worksheet_write_string(ws, row, 0, r.label.c_str(), f);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
      auto col = static_cast<lxw_col_t>(i + 1);
      if (!r.values[i]) {
        worksheet_write_string(ws, row, col, "-", f);
        continue;
      }
      const std::string& unit = t.columns[i + 1].unit;
      double v = *r.values[i];
      if (unit != "count" && unit != "seconds") v = std::round(v * 10) / 10;
      else v = std::round(v);
      worksheet_write_number(ws, row, col, v, f);
    }
  };
  for (const auto& r : t.rows) write_row(r, nullptr);
  write_row(t.totals, bold);
  if (!t.extra_rows.empty()) {
    row += 2;
    worksheet_write_string(ws, row, 0, t.extra_title.c_str(), bold);
    ++row;
    for (std::size_t c = 0; c < t.extra_header.size(); ++c)
      worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), t.extra_header[c].c_str(), bold);
    for (const auto& r : t.extra_rows) {
      ++row;
      for (std::size_t c = 0; c < r.size(); ++c)
        worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), r[c].c_str(), nullptr);
    }
  }
  lxw_error err = workbook_close(wb);
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  std::remove(path);
  if (err != LXW_NO_ERROR)
    return make_error(ErrorKind::kInternal, "export_failed", lxw_strerror(err));
  return buf.str();
}

Result<std::string> report_pdf(const ReportTable& t) {
  const char* font_file = nullptr;
  for (const char* f : kFonts) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(f, ec)) {
      font_file = f;
      break;
    }
  }
  if (font_file == nullptr)
    return make_error(ErrorKind::kInternal, "export_failed",
                      "no Chinese font on the server (install fonts-wqy-microhei)");
  bool failed = false;
  HPDF_Doc pdf = HPDF_New(pdf_error, &failed);
  if (!pdf) return make_error(ErrorKind::kInternal, "export_failed", "cannot start the PDF");
  HPDF_UseUTFEncodings(pdf);
  HPDF_SetCurrentEncoder(pdf, "UTF-8");
  const char* font_name = HPDF_LoadTTFontFromFile2(pdf, font_file, 0, HPDF_TRUE);
  HPDF_Font font = font_name ? HPDF_GetFont(pdf, font_name, "UTF-8") : nullptr;
  if (!font || failed) {
    HPDF_Free(pdf);
    return make_error(ErrorKind::kInternal, "export_failed", "cannot load the Chinese font");
  }
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, t.title.c_str());

  const float kMargin = 36, kRowH = 16, kFontSize = 9;
  HPDF_Page page = nullptr;
  float y = 0, width = 0;
  std::size_t ncols = t.columns.size();
  auto text = [&](float x, float yy, float size, const std::string& s) {
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, size);
    HPDF_Page_TextOut(page, x, yy, s.c_str());
    HPDF_Page_EndText(page);
  };
  auto col_x = [&](std::size_t c) {
    float first = (width - 2 * kMargin) * 0.22f;
    float rest = ncols > 1 ? (width - 2 * kMargin - first) / static_cast<float>(ncols - 1) : 0;
    return c == 0 ? kMargin : kMargin + first + rest * static_cast<float>(c - 1);
  };
  auto cells_row = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size() && c < std::max<std::size_t>(ncols, 1); ++c)
      text(col_x(c), y, kFontSize, cells[c]);
    y -= kRowH;
  };
  std::vector<std::string> header;
  for (const auto& c : t.columns) header.push_back(c.title);
  auto new_page = [&](bool first) {
    page = HPDF_AddPage(pdf);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE);
    width = HPDF_Page_GetWidth(page);
    y = HPDF_Page_GetHeight(page) - kMargin;
    if (first) {
      text(kMargin, y - 12, 16, t.title);
      y -= 34;
      text(kMargin, y, 10, t.subtitle);
      y -= 24;
    }
    cells_row(header);
    HPDF_Page_SetLineWidth(page, 0.5);
    HPDF_Page_MoveTo(page, kMargin, y + kRowH - 4);
    HPDF_Page_LineTo(page, width - kMargin, y + kRowH - 4);
    HPDF_Page_Stroke(page);
  };
  auto row_cells = [&t](const ReportRow& r) {
    std::vector<std::string> cells{r.label};
    for (std::size_t i = 0; i < r.values.size(); ++i)
      cells.push_back(format_value(r.values[i], t.columns[i + 1].unit));
    return cells;
  };
  new_page(true);
  for (const auto& r : t.rows) {
    if (y < kMargin + kRowH) new_page(false);
    cells_row(row_cells(r));
  }
  if (y < kMargin + kRowH) new_page(false);
  cells_row(row_cells(t.totals));
  if (!t.extra_rows.empty()) {
    y -= kRowH;
    if (y < kMargin + 3 * kRowH) new_page(false);
    text(kMargin, y, 11, t.extra_title);
    y -= kRowH;
    cells_row(t.extra_header);
    for (const auto& r : t.extra_rows) {
      if (y < kMargin + kRowH) new_page(false);
      cells_row(r);
    }
  }
  std::string out;
  if (!failed && HPDF_SaveToStream(pdf) == HPDF_OK) {
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
    out.resize(size);
    HPDF_UINT32 got = size;
    HPDF_ResetStream(pdf);
    // Reading to the end reports HPDF_STREAM_EOF; what counts is that every byte came.
    HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(out.data()), &got);
    failed = got != size;
    out.resize(got);
  } else {
    failed = true;
  }
  HPDF_Free(pdf);
  if (failed) return make_error(ErrorKind::kInternal, "export_failed", "cannot write the PDF");
  return out;
}

}  // namespace sy::api
