// Name lookups on a thread (Python: loop.getaddrinfo, which open_connection and aiohttp's
// resolver use). getaddrinfo reads files and may ask a DNS server: it blocks, so it runs on the
// default pool. Including this header also gives chapter 10's open_connection its lookup.
#pragma once

#include "aio/connection.hpp"
#include "aio/errors.hpp"
#include "aio/task.hpp"

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace aio {

/// A name lookup failed (Python: `socket.gaierror`); code() holds getaddrinfo's EAI_ code,
/// what() its text: "getaddrinfo example.invalid: Name or service not known".
class GaiError : public OSError {
public:
  /// getaddrinfo's `eai` error, looking up `host`.
  GaiError(int eai, const std::string& host);
};

/// The error category of getaddrinfo's EAI_ codes.
const std::error_category& gai_category() noexcept;

/// The TCP addresses of `host`, in the order getaddrinfo prefers them, looked up on the
/// default pool (Python: `await loop.getaddrinfo(host, port, type=SOCK_STREAM)`). Throws
/// GaiError.
Task<std::vector<Address>> getaddrinfo(std::string host, std::uint16_t port);

namespace detail {
/// The same, as socket addresses: the lookup open_connection uses.
Task<std::vector<SocketAddress>> lookup_on_thread(std::string host, std::uint16_t port);
/// Installs lookup_on_thread into open_connection, once per program.
bool install_name_lookup() noexcept;
/// Done before main in every program that includes this header.
inline const bool name_lookup_installed = install_name_lookup();
} // namespace detail

} // namespace aio
