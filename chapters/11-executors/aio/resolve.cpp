// getaddrinfo on the default pool, and its errors.
#include "aio/resolve.hpp"

#include "aio/thread_pool.hpp"

#include <cstring>
#include <memory>

#include <netdb.h>
#include <sys/socket.h>

namespace aio {
namespace {

class GaiCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return "getaddrinfo"; }
  std::string message(int code) const override { return ::gai_strerror(code); }
};

// [lookup]
// On a pool's thread: the blocking call, and a copy of what it found (the list it returns is
// freed here, on the thread that got it).
std::vector<detail::SocketAddress> lookup(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG; // no IPv6 addresses on a machine without IPv6
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int error = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); error != 0)
    throw GaiError(error, host);
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  std::vector<detail::SocketAddress> addresses;
  for (const addrinfo* info = found; info != nullptr; info = info->ai_next) {
    detail::SocketAddress address;
    if (info->ai_addrlen > sizeof address.storage) continue;
    std::memcpy(address.storage, info->ai_addr, info->ai_addrlen);
    address.length = info->ai_addrlen;
    address.family = info->ai_family;
    addresses.push_back(address);
  }
  return addresses;
}
// [lookup]

} // namespace

const std::error_category& gai_category() noexcept {
  static const GaiCategory category;
  return category;
}

GaiError::GaiError(int eai, const std::string& host)
    : OSError(std::error_code(eai, gai_category()), "getaddrinfo " + host) {}

Task<std::vector<Address>> getaddrinfo(std::string host, std::uint16_t port) {
  const std::vector<detail::SocketAddress> found = co_await detail::lookup_on_thread(std::move(host), port);
  std::vector<Address> addresses;
  for (const detail::SocketAddress& address : found) addresses.push_back(detail::to_address(address));
  co_return addresses;
}

namespace detail {

Task<std::vector<SocketAddress>> lookup_on_thread(std::string host, std::uint16_t port) {
  return to_thread(lookup, std::move(host), port);
}

bool install_name_lookup() noexcept {
  set_name_lookup(&lookup_on_thread);
  return true;
}

} // namespace detail
} // namespace aio
