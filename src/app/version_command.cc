#include <cstdio>

#include "app/commands.h"

namespace sy::app {

int version_command(const std::vector<std::string>&) {
  std::printf("switchyard %s (built %s %s, %s)\n", SY_VERSION, __DATE__, __TIME__,
#ifdef NDEBUG
              "release"
#else
              "debug"
#endif
  );
  return 0;
}

}  // namespace sy::app
