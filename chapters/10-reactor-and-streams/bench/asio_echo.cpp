// The echo server of ch10_bench, in Boost.Asio (Debian's libboost-dev 1.74): one thread, one
// io_context, async_read_some then async_write per connection, as in Asio's own examples.
// ch10_bench compiles it itself (`<utility>` first: Boost 1.74's headers need it under GCC 12)
// and runs it beside the other servers. It prints its port, and exits when its stdin ends.
#include <utility>

#include <boost/asio.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include <unistd.h>

using boost::asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
  explicit Session(tcp::socket socket) : socket_(std::move(socket)) {}
  void start() { read(); }

private:
  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(boost::asio::buffer(data_), [this, self](boost::system::error_code error, std::size_t n) {
      if (!error) write(n);
    });
  }
  void write(std::size_t n) {
    auto self = shared_from_this();
    boost::asio::async_write(socket_, boost::asio::buffer(data_, n),
                             [this, self](boost::system::error_code error, std::size_t) {
                               if (!error) read();
                             });
  }
  tcp::socket socket_;
  std::array<char, 65536> data_;
};

void accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](boost::system::error_code error, tcp::socket socket) {
    if (!error) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(socket))->start();
    }
    accept(acceptor);
  });
}

} // namespace

int main() {
  boost::asio::io_context context;
  tcp::acceptor acceptor(context, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  std::printf("%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  std::thread([] { // the end of stdin ends the server
    char c;
    while (::read(0, &c, 1) > 0) {}
    std::_Exit(0);
  })
      .detach();
  accept(acceptor);
  context.run();
}
