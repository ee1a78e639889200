#include "core/time_zone.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

namespace sy {
namespace {

std::int64_t be(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

struct Counts {
  std::int64_t isut, isstd, leap, time, type, chars;
};

bool read_counts(const std::vector<unsigned char>& f, std::size_t at, Counts* c) {
  if (f.size() < at + 44 || f[at] != 'T' || f[at + 1] != 'Z' || f[at + 2] != 'i' ||
      f[at + 3] != 'f')
    return false;
  const unsigned char* p = f.data() + at + 20;
  *c = {be(p, 4), be(p + 4, 4), be(p + 8, 4), be(p + 12, 4), be(p + 16, 4), be(p + 20, 4)};
  return c->type > 0 && c->time >= 0 && c->chars >= 0 && c->leap >= 0 && c->isut >= 0 &&
         c->isstd >= 0;
}

std::size_t block_size(const Counts& c, int time_bytes) {
  return static_cast<std::size_t>(c.time * time_bytes + c.time + c.type * 6 + c.chars +
                                  c.leap * (time_bytes + 4) + c.isstd + c.isut);
}

}  // namespace

std::optional<int> zone_offset_minutes(const std::string& zone, TimePoint at,
                                       const std::string& zoneinfo_dir) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone[0] == '/') return std::nullopt;
  std::ifstream in(zoneinfo_dir + "/" + zone, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<unsigned char> f((std::istreambuf_iterator<char>(in)), {});
  Counts c;
  if (!read_counts(f, 0, &c)) return std::nullopt;
  std::size_t data = 44;
  int time_bytes = 4;
  // Version 2+ files repeat the data with 64-bit times after the version 1 block.
  if (f[4] >= '2') {
    std::size_t second = data + block_size(c, 4);
    Counts c2;
    if (read_counts(f, second, &c2)) {
      c = c2;
      data = second + 44;
      time_bytes = 8;
    }
  }
  if (f.size() < data + block_size(c, time_bytes)) return std::nullopt;
  const unsigned char* times = f.data() + data;
  const unsigned char* idx = times + c.time * time_bytes;
  const unsigned char* types = idx + c.time;
  std::int64_t now_s = to_unix_ms(at) / 1000;
  std::int64_t type = 0;
  // Before the first transition: the first standard-time type (RFC 8536 §3.2), else type 0.
  for (std::int64_t i = 0; i < c.type; ++i)
    if (types[i * 6 + 4] == 0) {
      type = i;
      break;
    }
  for (std::int64_t i = 0; i < c.time; ++i) {
    if (be(times + i * time_bytes, time_bytes) > now_s) break;
    type = idx[i];
  }
  if (type >= c.type) return std::nullopt;
  return static_cast<int>(be(types + type * 6, 4) / 60);
}

}  // namespace sy
