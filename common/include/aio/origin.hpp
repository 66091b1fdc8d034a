// Where something was defined: the name and source position that every pitfall report
// carries, so a message can say "generator 'fibonacci' (fib.hpp:12)" instead of "a generator".
#pragma once

#include <ostream>
#include <string_view>

namespace aio {

/// A function name and a source position, captured at compile time.
///
/// `Origin::here()` used as a default argument records the *caller's* position. In a
/// coroutine's promise constructor that caller is the coroutine itself, so a promise learns
/// the name and line of the coroutine it belongs to. GCC 12 and Clang 14 both provide the
/// builtins used here; `std::source_location` would need Clang 15.
struct Origin {
  const char* function = "?"; ///< Unqualified function name, e.g. `fibonacci`.
  const char* file = "?";     ///< Source file, relative to the course's root directory.
  unsigned line = 0;          ///< 1-based line number.

  /// The function's name as reports show it: without template arguments, so `when_all`
  /// rather than GCC's `when_all<int, std::__cxx11::basic_string<char> >`.
  std::string_view name() const noexcept {
    const std::string_view full(function);
    const auto bracket = full.find('<');
    return bracket == std::string_view::npos || full.starts_with("operator") ? full : full.substr(0, bracket);
  }

  /// The position of the expression that evaluates this default argument.
  static constexpr Origin here(const char* function = __builtin_FUNCTION(), const char* file = __builtin_FILE(),
                               unsigned line = __builtin_LINE()) noexcept {
    return Origin{function, file, line};
  }
};

/// Writes `file:line`, the form editors and terminals turn into a link.
inline std::ostream& operator<<(std::ostream& out, const Origin& origin) {
  return out << origin.file << ':' << origin.line;
}

} // namespace aio
