// The main() of every chapter's demo program: `chNN_demo <name>` runs one demo, and with no
// name it runs them all in order, each under a heading.
#pragma once

#include <cstring>
#include <initializer_list>
#include <iostream>

namespace aio {

/// One demo: the name given on the command line, and the function that runs it.
struct Demo {
  const char* name; ///< What `chNN_demo <name>` selects.
  void (*run)();    ///< Prints the demo's output.
};

/// Runs the demo named by `argv[1]`, or every demo when there is no argument.
/// Returns main()'s exit code: 2, with the list of names, for an unknown name.
inline int run_demos(int argc, char** argv, std::initializer_list<Demo> demos) {
  bool ran = false;
  for (const Demo& demo : demos) {
    if (argc > 1 && std::strcmp(argv[1], demo.name) != 0) continue;
    if (argc == 1) std::cout << "--- " << demo.name << " ---\n";
    demo.run();
    ran = true;
  }
  if (ran) return 0;
  std::cerr << "unknown demo '" << argv[1] << "'; try one of:";
  for (const Demo& demo : demos) std::cerr << ' ' << demo.name;
  std::cerr << '\n';
  return 2;
}

} // namespace aio
