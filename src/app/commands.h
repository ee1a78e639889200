// Entry points of the command-line commands; each takes the arguments after its name.
#pragma once

#include <string>
#include <vector>

namespace sy::app {

int version_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int migrate_command(const std::vector<std::string>& args);
int user_add_command(const std::vector<std::string>& args);
int demo_data_command(const std::vector<std::string>& args);
int sim_command(const std::vector<std::string>& args);
int flow_check_command(const std::vector<std::string>& args);

}  // namespace sy::app
