// The pool: slots counted per host and in all, waiters per host in order, idle connections
// kept for a while. Every path that takes a slot gives it back exactly once: on release, on
// a failed connect, on a cancellation at any await.
#include "aio/http/connector.hpp"

#include "aio/errors.hpp"
#include "aio/event.hpp"
#include "aio/http/errors.hpp"

#include <cstdint>
#include <deque>
#include <exception>
#include <optional>
#include <unordered_map>

namespace aio::http {
namespace detail {

// [pool]
class Pool : public std::enable_shared_from_this<Pool> {
public:
  explicit Pool(ConnectorOptions options) : options_(options) {}
  ~Pool() { sweep_timer_.cancel(); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  Task<Lease> connect(std::shared_ptr<Pool> keep, Url url); // (`keep`: this, alive while it runs)
  void release(std::unique_ptr<PooledConnection> connection, bool reusable) noexcept;
  void close_now() noexcept;
  bool closed() const noexcept { return closed_; }
  PoolStats stats() const noexcept { return {open_, idle_, waiting_}; }
  PoolStats stats(const std::string& key) const {
    const auto found = hosts_.find(key);
    if (found == hosts_.end()) return {};
    return {found->second.open, found->second.idle.size(), found->second.waiters.size()};
  }
  const ConnectorOptions& options() const noexcept { return options_; }

private:
  // A request waiting for a slot; it lives in its connect() frame.
  struct Waiter {
    enum State : unsigned char { waiting, got_slot, got_connection, refused };
    explicit Waiter(std::uint64_t place) noexcept : order(place) {}
    std::uint64_t order;
    State state = waiting;
    std::unique_ptr<PooledConnection> connection; // with got_connection
    Event woken;
  };
  struct Host {
    std::size_t open = 0;                               // connecting, in use or idle
    std::deque<std::unique_ptr<PooledConnection>> idle; // oldest first
    std::deque<Waiter*> waiters;                        // first come first
  };

  bool room_in(const Host& host) const noexcept {
    return options_.limit_per_host == 0 || host.open < options_.limit_per_host;
  }
  bool room_in_all() const noexcept { return options_.limit == 0 || open_ < options_.limit; }
  void take_slot(Host& host) noexcept {
    ++open_;
    ++host.open;
  }
  void free_slot(Host& host) noexcept {
    --open_;
    --host.open;
  }
  // Closes `connection` and frees its slot (the caller hands slots on with dispatch()). A
  // pooled connection has nothing left to send, so its socket is closed there and then.
  void discard(std::unique_ptr<PooledConnection> connection) noexcept {
    connection->writer.close();
    free_slot(hosts_[connection->key]);
  }
  bool evict_idle_for(const Host& wanted) noexcept;
  void dispatch() noexcept;
  void sweep() noexcept;
  void schedule_sweep();
  std::unique_ptr<PooledConnection> pop_idle(Host& host) noexcept;

  ConnectorOptions options_;
  std::unordered_map<std::string, Host> hosts_; // (references to its values stay valid)
  std::size_t open_ = 0;
  std::size_t idle_ = 0;
  std::size_t waiting_ = 0;
  std::uint64_t next_order_ = 0;
  bool closed_ = false;
  EventLoop* loop_ = nullptr;
  Handle sweep_timer_;
  bool sweep_scheduled_ = false;
};
// [pool]

// [pool-connect]
Task<Lease> Pool::connect(std::shared_ptr<Pool> keep, Url url) {
  if (loop_ == nullptr) loop_ = &EventLoop::get_running_loop();
  if (closed_) throw ClientConnectionError("the session is closed: no new request can start");
  const std::string key = url.host + ":" + std::to_string(url.port);
  Host& host = hosts_[key];
  sweep();
  if (auto idle = pop_idle(host)) co_return Lease(keep, std::move(idle));

  // No idle connection: a new one, if the limits let it be made now and nobody is first in line.
  if (host.waiters.empty() && room_in(host) && (room_in_all() || evict_idle_for(host))) {
    take_slot(host);
  } else {
    Waiter waiter(next_order_++);
    host.waiters.push_back(&waiter);
    ++waiting_;
    try {
      co_await waiter.woken.wait();
    } catch (...) { // cancelled: out of the line, and whatever it was handed goes on
      if (waiter.state == Waiter::waiting) {
        std::erase(host.waiters, &waiter);
        --waiting_;
      } else if (waiter.state == Waiter::got_connection) {
        release(std::move(waiter.connection), true);
      } else if (waiter.state == Waiter::got_slot) {
        free_slot(host);
        dispatch();
      }
      throw;
    }
    if (waiter.state == Waiter::refused) throw ClientConnectionError("the session was closed while the request waited");
    if (waiter.state == Waiter::got_connection) co_return Lease(keep, std::move(waiter.connection));
  }

  // The slot is ours: connect, giving it back if that fails or is cancelled.
  try {
    Streams streams = co_await open_connection(url.host, url.port);
    auto connection =
        std::make_unique<PooledConnection>(PooledConnection{std::move(streams.first), std::move(streams.second), key});
    if (closed_) { // closed while we connected
      discard(std::move(connection));
      throw ClientConnectionError("the session was closed while the request connected");
    }
    co_return Lease(keep, std::move(connection));
  } catch (const OSError& error) {
    free_slot(host);
    dispatch();
    throw ClientConnectionError("cannot connect to " + url.authority() + ": " + error.what());
  } catch (...) {
    free_slot(host);
    dispatch();
    throw;
  }
}
// [pool-connect]

std::unique_ptr<PooledConnection> Pool::pop_idle(Host& host) noexcept {
  if (host.idle.empty()) return nullptr;
  auto connection = std::move(host.idle.back()); // the most recently used: the least likely closed
  host.idle.pop_back();
  --idle_;
  return connection;
}

// Makes room for a connection to `wanted` by closing the oldest idle connection to another host.
bool Pool::evict_idle_for(const Host& wanted) noexcept {
  Host* oldest = nullptr;
  for (auto& [key, host] : hosts_)
    if (&host != &wanted && !host.idle.empty() &&
        (oldest == nullptr || host.idle.front()->idle_since < oldest->idle.front()->idle_since))
      oldest = &host;
  if (oldest == nullptr) return false;
  auto connection = std::move(oldest->idle.front());
  oldest->idle.pop_front();
  --idle_;
  discard(std::move(connection));
  return true;
}

// [pool-release]
void Pool::release(std::unique_ptr<PooledConnection> connection, bool reusable) noexcept {
  Host& host = hosts_[connection->key];
  if (!reusable || closed_ || options_.force_close) {
    discard(std::move(connection));
    dispatch();
    return;
  }
  if (!host.waiters.empty()) { // straight to the first in line for this host
    Waiter& waiter = *host.waiters.front();
    host.waiters.pop_front();
    --waiting_;
    waiter.connection = std::move(connection);
    waiter.state = Waiter::got_connection;
    waiter.woken.set();
    return;
  }
  connection->idle_since = loop_->time();
  host.idle.push_back(std::move(connection));
  ++idle_;
  schedule_sweep();
  dispatch(); // an idle connection can make room for a waiter of another host
}

// Hands free slots to waiters: the longest-waiting first among the hosts that have room.
void Pool::dispatch() noexcept {
  for (;;) {
    Host* first = nullptr;
    for (auto& [key, host] : hosts_)
      if (!host.waiters.empty() && room_in(host) &&
          (first == nullptr || host.waiters.front()->order < first->waiters.front()->order))
        first = &host;
    if (first == nullptr) return;
    if (!room_in_all() && !evict_idle_for(*first)) return;
    Waiter& waiter = *first->waiters.front();
    first->waiters.pop_front();
    --waiting_;
    take_slot(*first);
    waiter.state = Waiter::got_slot;
    waiter.woken.set();
  }
}
// [pool-release]

// Closes the connections idle for longer than keepalive_timeout.
void Pool::sweep() noexcept {
  if (idle_ == 0 || loop_ == nullptr) return;
  const TimePoint oldest_kept = loop_->time() - options_.keepalive_timeout;
  bool freed = false;
  for (auto& [key, host] : hosts_) {
    while (!host.idle.empty() && host.idle.front()->idle_since <= oldest_kept) {
      auto connection = std::move(host.idle.front());
      host.idle.pop_front();
      --idle_;
      discard(std::move(connection));
      freed = true;
    }
  }
  if (freed) dispatch();
}

// One timer, for the moment the longest-idle connection's keepalive_timeout runs out.
void Pool::schedule_sweep() {
  if (sweep_scheduled_ || idle_ == 0) return;
  std::optional<TimePoint> oldest;
  for (const auto& [key, host] : hosts_)
    if (!host.idle.empty() && (!oldest || host.idle.front()->idle_since < *oldest))
      oldest = host.idle.front()->idle_since;
  sweep_scheduled_ = true;
  std::weak_ptr<Pool> weak = weak_from_this();
  sweep_timer_ = loop_->call_at(*oldest + options_.keepalive_timeout, [weak] {
    if (auto pool = weak.lock()) {
      pool->sweep_scheduled_ = false;
      pool->sweep();
      pool->schedule_sweep();
    }
  });
}

void Pool::close_now() noexcept {
  if (!closed_) {
    closed_ = true;
    sweep_timer_.cancel();
    sweep_scheduled_ = false;
    for (auto& [key, host] : hosts_) {
      while (!host.idle.empty()) {
        auto connection = std::move(host.idle.front());
        host.idle.pop_front();
        --idle_;
        discard(std::move(connection));
      }
      while (!host.waiters.empty()) {
        Waiter& waiter = *host.waiters.front();
        host.waiters.pop_front();
        --waiting_;
        waiter.state = Waiter::refused;
        waiter.woken.set();
      }
    }
  }
}

} // namespace detail

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release(false);
    pool_ = std::move(other.pool_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

Lease::~Lease() { release(false); }

void Lease::release(bool reusable) noexcept {
  if (connection_ == nullptr) return;
  if (reusable) ++connection_->requests;
  pool_->release(std::move(connection_), reusable);
  pool_.reset();
}

TCPConnector::TCPConnector(ConnectorOptions options) : pool_(std::make_shared<detail::Pool>(options)) {}

Task<Lease> TCPConnector::connect(const Url& url) { return pool_->connect(pool_, url); }
namespace {
Task<> nothing() { co_return; }
} // namespace

Task<> TCPConnector::close() {
  pool_->close_now(); // at once: nothing of it waits
  return nothing();
}
void TCPConnector::close_now() noexcept { pool_->close_now(); }
bool TCPConnector::closed() const noexcept { return pool_->closed(); }
PoolStats TCPConnector::stats() const noexcept { return pool_->stats(); }
PoolStats TCPConnector::stats(const Url& url) const { return pool_->stats(url.host + ":" + std::to_string(url.port)); }
const ConnectorOptions& TCPConnector::options() const noexcept { return pool_->options(); }

} // namespace aio::http
