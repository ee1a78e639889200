// Renders a simulation Report: one JSON object (`--json`) or a readable table with Chinese
// headers by default (`--lang en` for English).
#pragma once

#include <string>

#include "sim/simulator.h"

namespace sy::sim {

enum class Lang { kZh, kEn };

std::string to_json(const Report& report);
std::string to_table(const Report& report, Lang lang);

// Display width of UTF-8 text in a terminal (CJK characters take two columns).
int display_width(const std::string& text);

}  // namespace sy::sim
