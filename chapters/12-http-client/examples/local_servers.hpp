// The servers chapter 12's demos, tests and benchmark talk to, none of them written here:
// Debian's nginx and a small aiohttp application (servers/app.py) run by Debian's python3.
// Each is started on a free loopback port with its files in the build tree, and stopped at the
// end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace aio::demos {

/// Which servers to start.
struct ServerSet {
  bool app = true;    ///< The aiohttp application (delay, status, redirect, drop, slow routes).
  bool nginx = false; ///< nginx, serving the files of html/ (and a crawlable site under /site/).
};

/// The local servers, started by the constructor and stopped (SIGTERM, then reaped) by the
/// destructor. Make it outside the event loop: both block briefly.
///
/// Each server listens on one port on four loopback addresses: 127.0.0.1, .2 and .3 stand for
/// three hosts, and 127.0.0.9 is the tests' own (their questions to the server are not counted).
/// The sockets are bound and listening before a server starts, so a client may connect at once:
/// the kernel holds the connection until the server accepts it.
class LocalServers {
public:
  explicit LocalServers(ServerSet which = {});
  ~LocalServers();
  LocalServers(const LocalServers&) = delete;
  LocalServers& operator=(const LocalServers&) = delete;

  /// `http://127.0.0.N:port/path` on the aiohttp application (`host` is N: 1, 2, 3 or 9).
  std::string app(std::string_view path, int host = 1) const;
  /// The same on nginx.
  std::string nginx(std::string_view path, int host = 1) const;
  /// The aiohttp application's port.
  std::uint16_t app_port() const noexcept { return app_.port; }
  /// nginx's port.
  std::uint16_t nginx_port() const noexcept { return nginx_.port; }

private:
  struct Child {
    pid_t pid = -1;         // the server's process
    std::uint16_t port = 0; // where it listens
    std::string log;        // its error output
  };
  void start_app();
  void start_nginx();
  static void stop(Child& child) noexcept;

  Child app_;
  Child nginx_;
  std::string prefix_; // nginx's directory in the build tree
};

/// One server's counters for one host, as the aiohttp application's /stats counts them.
struct HostCounts {
  int opened = 0;         ///< Connections accepted since the last /reset.
  int open = 0;           ///< Open now.
  int peak_open = 0;      ///< The most open at once.
  int peak_in_flight = 0; ///< The most /hold requests being answered at once.
};

/// The counts for `host` ("127.0.0.2") in a /stats answer; zeros if it has none.
HostCounts counts_for(std::string_view stats, std::string_view host);

/// What the aiohttp application's /bytes/N and /chunked/N send: "0123456789" repeated, N bytes.
std::string pattern(std::size_t n);

/// nginx's stub_status "accepts" figure: connections it has accepted since it started.
int nginx_accepts(std::string_view status);

} // namespace aio::demos
