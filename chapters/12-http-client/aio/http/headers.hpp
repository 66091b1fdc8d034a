// HTTP headers: names compared without regard to case, order and repeats kept (Python:
// aiohttp's `CIMultiDict`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aio::http {

/// True if `a` and `b` are equal but for ASCII case, as header names and tokens compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Name-value pairs in the order they came (Python: `CIMultiDict[str, str]`).
class Headers {
public:
  Headers() = default;
  /// From pairs: `{{"Accept", "text/html"}, {"X-Trace", "1"}}`.
  Headers(std::initializer_list<std::pair<std::string, std::string>> pairs) : items_(pairs) {}

  /// The first value named `name` (any case), if there is one.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  /// True if a header named `name` is there.
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }
  /// Every value named `name`, in order (Set-Cookie comes several times).
  std::vector<std::string_view> get_all(std::string_view name) const;
  /// Adds one more header, after the others.
  void add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
  /// Replaces every header named `name` with one.
  void set(std::string_view name, std::string value);
  /// Removes every header named `name`.
  void remove(std::string_view name);
  /// How many there are.
  std::size_t size() const noexcept { return items_.size(); }
  /// All of them, in order.
  const std::vector<std::pair<std::string, std::string>>& items() const noexcept { return items_; }
  /// Drops them all.
  void clear() noexcept { items_.clear(); }
  /// Room for `n` without growing.
  void reserve(std::size_t n) { items_.reserve(n); }

private:
  std::vector<std::pair<std::string, std::string>> items_;
};

/// True if the comma-separated list `value` ("keep-alive, Upgrade") holds `token` (any case).
bool has_token(std::string_view value, std::string_view token) noexcept;

} // namespace aio::http
