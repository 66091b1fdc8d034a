// URLs as an HTTP/1.1 client needs them: split into host, port and target, and joined with a
// relative reference such as a redirect's Location (RFC 3986, section 5).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aio::http {

/// An absolute `http://` URL, split (Python: aiohttp's `yarl.URL`, the parts it uses).
struct Url {
  std::string host;        ///< "example.com", "127.0.0.1", "::1" (without brackets).
  std::uint16_t port = 80; ///< The port, 80 if the URL names none.
  std::string target;      ///< The path and query sent in the request line: "/a/b?x=1" ("/" at least).

  /// Parses `text`; throws InvalidURL, saying why, for anything but an absolute http URL with a
  /// host (an https URL is refused: this course builds no TLS).
  static Url parse(std::string_view text);
  /// `reference` resolved against this URL, as a browser follows a link or a Location:
  /// absolute, scheme-relative ("//host/p"), absolute path ("/p"), relative ("p", "../p"),
  /// or query only ("?q"). The fragment is dropped.
  Url join(std::string_view reference) const;
  /// `http://host[:port]/target`.
  std::string to_string() const;
  /// The value of the Host header: the host, and the port unless it is 80.
  std::string authority() const;
  /// Only the path of the target (no query).
  std::string_view path() const noexcept { return std::string_view(target).substr(0, target.find('?')); }
  /// Same scheme (always http), host and port: one pool of connections.
  bool same_origin(const Url& other) const noexcept { return host == other.host && port == other.port; }
  /// Equal in every part.
  bool operator==(const Url&) const = default;
};

/// RFC 3986's remove_dot_segments: "/a/b/../c/./d" -> "/a/c/d".
std::string remove_dot_segments(std::string_view path);

} // namespace aio::http
