// Splitting and joining URLs (RFC 3986): only what an http client needs, strictly.
#include "aio/http/url.hpp"

#include "aio/http/errors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace aio::http {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The scheme of `text` ("http"), lower case, or empty if it has none.
std::string scheme_of(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return {};
  for (char c : text.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return {};
  return lower(text.substr(0, colon));
}

bool bad_character(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f; // controls and spaces would break the request line
}

} // namespace

Url Url::parse(std::string_view text) {
  const std::string scheme = scheme_of(text);
  if (scheme == "https")
    throw InvalidURL("'" + std::string(text) +
                     "': https needs TLS, which this course does not build; use an http:// URL");
  if (scheme != "http") throw InvalidURL("'" + std::string(text) + "' is not an absolute http:// URL");
  std::string_view rest = text.substr(5);
  if (!rest.starts_with("//")) throw InvalidURL("'" + std::string(text) + "' has no host (expected http://host/...)");
  rest.remove_prefix(2);
  if (std::any_of(rest.begin(), rest.end(), bad_character))
    throw InvalidURL("'" + std::string(text) + "' contains a space or a control character");
  const std::size_t end_of_authority = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end_of_authority);
  std::string_view after = end_of_authority == std::string_view::npos ? "" : rest.substr(end_of_authority);
  if (authority.find('@') != std::string_view::npos)
    throw InvalidURL("'" + std::string(text) + "': user names and passwords in URLs are not supported");

  Url url;
  std::string_view port_text;
  if (authority.starts_with('[')) { // an IPv6 literal: [::1]:8080
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) throw InvalidURL("'" + std::string(text) + "': unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail[0] != ':') throw InvalidURL("'" + std::string(text) + "': junk after the host");
      port_text = tail.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    url.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) throw InvalidURL("'" + std::string(text) + "' has no host");
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
      throw InvalidURL("'" + std::string(text) + "': the port must be a number from 1 to 65535");
    url.port = static_cast<std::uint16_t>(port);
  }
  after = after.substr(0, after.find('#'));
  const std::size_t query = after.find('?');
  const std::string path = remove_dot_segments(after.substr(0, query));
  url.target = (path.empty() ? "/" : path) + std::string(query == std::string_view::npos ? "" : after.substr(query));
  return url;
}

Url Url::join(std::string_view reference) const {
  reference = reference.substr(0, reference.find('#'));
  if (!scheme_of(reference).empty()) return parse(reference);
  if (reference.starts_with("//")) return parse("http:" + std::string(reference));
  if (std::any_of(reference.begin(), reference.end(), bad_character))
    throw InvalidURL("'" + std::string(reference) + "' contains a space or a control character");
  Url url = *this;
  if (reference.empty()) return url;
  if (reference.starts_with('?')) {
    url.target = std::string(path()) + std::string(reference);
    return url;
  }
  const std::size_t query = reference.find('?');
  const std::string_view ref_path = reference.substr(0, query);
  const std::string_view ref_query = query == std::string_view::npos ? "" : reference.substr(query);
  std::string merged;
  if (ref_path.starts_with('/')) {
    merged = std::string(ref_path);
  } else { // relative to the base's directory
    const std::string_view base = path();
    merged = std::string(base.substr(0, base.rfind('/') + 1)) + std::string(ref_path);
  }
  const std::string clean = remove_dot_segments(merged);
  url.target = (clean.empty() ? "/" : clean) + std::string(ref_query);
  return url;
}

std::string Url::authority() const {
  std::string text = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 80) { // (appended in two steps: GCC 12 at -O3 warns falsely about ":" + to_string)
    text += ':';
    text += std::to_string(port);
  }
  return text;
}

std::string Url::to_string() const { return "http://" + authority() + target; }

std::string remove_dot_segments(std::string_view path) {
  std::string out;
  while (!path.empty()) {
    if (path.starts_with("../")) {
      path.remove_prefix(3);
    } else if (path.starts_with("./")) {
      path.remove_prefix(2);
    } else if (path.starts_with("/./")) {
      path.remove_prefix(2);
    } else if (path == "/.") {
      path = "/";
    } else if (path.starts_with("/../") || path == "/..") {
      path = path.size() == 3 ? std::string_view("/") : path.substr(3);
      const std::size_t last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (path == "." || path == "..") {
      path = {};
    } else {
      const std::size_t next = path.find('/', path.starts_with('/') ? 1 : 0);
      out += path.substr(0, next);
      path = next == std::string_view::npos ? std::string_view() : path.substr(next);
    }
  }
  return out;
}

} // namespace aio::http
