#include <hpdf.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "api/report_table.h"
#include "api/xlsx_table.h"

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
  using Style = XlsxTable::Style;
  auto sheet = XlsxTable::create("report");
  if (!sheet) return sheet.error();
  XlsxTable& x = *sheet;
  x.text(0, 0, t.title, Style::kTitle);
  x.text(1, 0, t.subtitle);
  std::uint32_t row = 3;
  std::vector<std::string> header;
  for (const auto& c : t.columns) header.push_back(c.title);
  x.header(row, header);
  x.column_width(0, 0, 24);
  x.column_width(1, static_cast<std::uint16_t>(t.columns.size()), 12);
  auto write_row = [&](const ReportRow& r, Style style) {
    ++row;
    x.text(row, 0, r.label, style);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
      auto col = static_cast<std::uint16_t>(i + 1);
      if (!r.values[i]) {
        x.text(row, col, "-", style);
        continue;
      }
      const std::string& unit = t.columns[i + 1].unit;
      double v = *r.values[i];
      if (unit != "count" && unit != "seconds") v = std::round(v * 10) / 10;
      else v = std::round(v);
      x.number(row, col, v, style);
    }
  };
  for (const auto& r : t.rows) write_row(r, Style::kPlain);
  write_row(t.totals, Style::kBold);
  if (!t.extra_rows.empty()) {
    row += 2;
    x.text(row, 0, t.extra_title, Style::kBold);
    ++row;
    x.header(row, t.extra_header);
    for (const auto& r : t.extra_rows) {
      ++row;
      for (std::size_t c = 0; c < r.size(); ++c) x.text(row, static_cast<std::uint16_t>(c), r[c]);
    }
  }
  return x.finish();
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
