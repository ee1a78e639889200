// Private to the flow parser: a diagnostics-collecting reader over yaml-cpp nodes, so every
// check reports file positions the same way and parsing continues to find more errors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "ivr/flow.h"
#include "ivr/parser.h"

namespace sy::ivr::detail {

// A use of a node id, checked once all nodes are known.
struct NodeRef {
  std::string target;
  YAML::Mark mark;
  std::string what;
};

class Reader {
 public:
  std::vector<Diagnostic> diagnostics;
  std::vector<NodeRef> refs;
  const Flow* flow = nullptr;  // for calendar names; set before nodes are parsed

  void error(const YAML::Mark& mark, std::string message);
  void warning(const YAML::Mark& mark, std::string message);
  bool has_errors() const;

  // Reports keys not in `allowed`, and keys given twice. False if `node` is not a map.
  bool check_map(const YAML::Node& node, std::initializer_list<const char*> allowed,
                 const std::string& what);
  // Looks a key up by iterating (the map has been checked, so the key is unique).
  static YAML::Node get(const YAML::Node& map, const char* key);
  // Like get(), but reports a missing key at the map's position.
  YAML::Node need(const YAML::Node& map, const char* key, const std::string& what);

  std::optional<std::string> text(const YAML::Node& node, const std::string& what);
  std::optional<std::string> nonempty_text(const YAML::Node& node, const std::string& what);
  std::optional<int> integer(const YAML::Node& node, const std::string& what, int min, int max);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& what);
  // A node id reference; recorded for the dangling-reference check.
  std::string node_ref(const YAML::Node& node, const std::string& what);
  // A `{var|filter}` template, checked for syntax and known filters.
  std::optional<std::string> template_text(const YAML::Node& node, const std::string& what);
  std::optional<Prompt> prompt(const YAML::Node& node, const std::string& what);
  std::optional<char> digit_key(const YAML::Node& node, const std::string& what);
  std::optional<std::pair<int, int>> time_range(const YAML::Node& node, const std::string& what);
  std::optional<Date> date(const YAML::Node& node, const std::string& what);
  bool is_identifier(const YAML::Node& node, const std::string& what);
};

// A map of result key -> node id whose keys come from a closed set (lookup results, queue
// outcomes); unknown and duplicate keys are errors.
std::map<std::string, std::string> read_branches(Reader& r, const YAML::Node& b,
                                                 const std::vector<std::string>& keys,
                                                 const std::string& what);

// Parses the value of one node (the map holding the kind key); nullopt after reporting errors.
std::optional<NodeBody> parse_node_body(Reader& r, const std::string& id, const YAML::Node& node);

// Position helpers: yaml-cpp marks are 0-based; a null mark (missing node) is -1.
inline int line_of(const YAML::Mark& m) { return m.line < 0 ? 0 : m.line + 1; }
inline int column_of(const YAML::Mark& m) { return m.column < 0 ? 0 : m.column + 1; }

}  // namespace sy::ivr::detail
