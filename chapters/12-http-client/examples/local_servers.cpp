// Starting and stopping chapter 12's local servers: sockets bound here and inherited, so no
// port is raced for and nobody waits for a server to be "ready".
#include "local_servers.hpp"

#include "aio/subprocess.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace aio::demos {
namespace {

constexpr std::array<int, 4> hosts{1, 2, 3, 9}; // 127.0.0.N

// Listening sockets on 127.0.0.N:port for every N of `hosts`, one port for all; the kernel
// picks it for the first, and if another address has it taken already, we try again.
std::vector<int> listen_everywhere(std::uint16_t& port) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::vector<int> fds;
    std::uint16_t chosen = 0;
    bool taken = false;
    for (int n : hosts) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
      const int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(chosen);
      address.sin_addr.s_addr = htonl(0x7f000000U | static_cast<unsigned>(n));
      if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 1024) != 0) {
        const int error = errno;
        ::close(fd);
        if (error != EADDRINUSE) throw std::system_error(error, std::generic_category(), "bind on loopback");
        taken = true;
        break;
      }
      if (chosen == 0) {
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        chosen = ntohs(address.sin_port);
      }
      fds.push_back(fd);
    }
    if (!taken) {
      port = chosen;
      return fds;
    }
    for (int fd : fds) ::close(fd);
  }
  throw std::runtime_error("found no port free on 127.0.0.1, .2, .3 and .9 at once");
}

void require(const char* path, const char* package) {
  if (::access(path, X_OK) != 0 && ::access(path, R_OK) != 0)
    throw std::runtime_error(std::string("chapter 12 needs ") + path + " from Debian's " + package +
                             " package: ./course installs it (or: sudo apt-get install " + package + ")");
}

// Spawns `argv` with the listening `fds` as its fds 3, 4, ... and its stderr into `log`.
// Through util-linux's setpriv, which asks the kernel to send it SIGTERM when we die: a test
// killed by its timeout leaves no server behind.
pid_t spawn_server(std::vector<std::string> argv, const std::vector<std::string>& extra_env,
                   const std::vector<int>& fds, const std::string& log) {
  argv.insert(argv.begin(), {"/usr/bin/setpriv", "--pdeathsig", "TERM", "--"});
  std::vector<std::string> env_text(extra_env);
  for (char** e = environ; *e != nullptr; ++e) env_text.emplace_back(*e);
  std::vector<char*> args, env;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  for (std::string& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::system_error(errno, std::generic_category(), "open " + log);
  // dup2 in order: stderr first, then every fd up out of the way (to 100+), then down to 3, 4, ...
  std::vector<std::pair<int, int>> dups{{log_fd, 2}};
  for (std::size_t i = 0; i < fds.size(); ++i) dups.emplace_back(fds[i], 100 + static_cast<int>(i));
  for (std::size_t i = 0; i < fds.size(); ++i) dups.emplace_back(100 + static_cast<int>(i), 3 + static_cast<int>(i));
  detail::Spawned child{};
  try {
    child = detail::spawn(args[0], false, args.data(), env.data(), dups, std::nullopt, argv[0]);
  } catch (...) {
    ::close(log_fd);
    throw;
  }
  ::close(log_fd);
  ::close(child.pidfd);
  return child.pid;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// nginx's files: a 1 KiB page, a 1 KiB binary (sent as is, for the benchmark), 256 KiB of text
// (sent gzip'd and chunked), and a small site for the crawler: 30 pages in a ring with chords,
// some links through a redirect, one link to a page that does not exist.
void write_site(const std::filesystem::path& html) {
  std::string page = "<!doctype html>\n<title>aio</title>\n<p>";
  while (page.size() < 1020) page += "async ";
  write_file(html / "index.html", page + "</p>\n");
  write_file(html / "1k.bin", std::string(1024, 'x'));
  std::string text;
  for (int i = 0; text.size() < 256 * 1024; ++i) text += "line " + std::to_string(i) + " of a long text\n";
  write_file(html / "big.txt", text.substr(0, 256 * 1024));
  constexpr int pages = 30;
  for (int i = 0; i < pages; ++i) {
    std::string body = "<!doctype html>\n<title>page " + std::to_string(i) + "</title>\n";
    for (int to : {(i + 1) % pages, (i * 7 + 3) % pages, (i * 11 + 5) % pages})
      body += "<a href=\"/site/" + std::to_string(to) + ".html\">page " + std::to_string(to) + "</a>\n";
    if (i % 10 == 0) body += "<a href=\"/old/" + std::to_string(i) + "\">an old link</a>\n";
    if (i == 7) body += "<a href=\"/site/missing.html\">a broken link</a>\n";
    body += "<a href=\"http://example.invalid/\">elsewhere</a>\n";
    write_file(html / "site" / (std::to_string(i) + ".html"), body);
  }
}

// Asks the server on 127.0.0.9 for `path` and waits for the answer (blocking: the fixture runs
// outside any loop). The connection waits in the kernel's queue until the server accepts it,
// so this returns once the server serves; a server that died closes its sockets, and the
// question fails at once instead.
void wait_until_serving(std::uint16_t port, const char* path, const std::string& name, const std::string& log) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(0x7f000009U);
  timeval limit{20, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = std::string("GET ") + path + " HTTP/1.0\r\nHost: 127.0.0.9\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char piece[512];
      ssize_t n = 0;
      while ((n = ::recv(fd, piece, sizeof piece, 0)) > 0) answer.append(piece, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!answer.starts_with("HTTP/1."))
    throw std::runtime_error(name + " did not start; what it said:\n" + read_file(log));
}

} // namespace

LocalServers::LocalServers(ServerSet which) {
  try {
    if (which.app) start_app();
    if (which.nginx) start_nginx();
  } catch (...) {
    stop(app_);
    stop(nginx_);
    throw;
  }
}

LocalServers::~LocalServers() {
  stop(app_);
  stop(nginx_);
  if (!app_.log.empty()) ::unlink(app_.log.c_str()); // (nginx's logs go with its directory)
  if (!prefix_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(prefix_, ignored);
  }
}

void LocalServers::start_app() {
  require("/usr/bin/python3", "python3");
  require("/usr/lib/python3/dist-packages/aiohttp/web.py", "python3-aiohttp");
  std::vector<int> fds = listen_everywhere(app_.port);
  std::vector<std::string> argv{"/usr/bin/python3", AIO_CH12_SERVERS "/app.py"};
  for (std::size_t i = 0; i < fds.size(); ++i) argv.push_back(std::to_string(3 + i));
  std::filesystem::create_directories(AIO_CH12_RUN_DIR);
  app_.log = AIO_CH12_RUN_DIR "/app-" + std::to_string(::getpid()) + ".log";
  try {
    app_.pid = spawn_server(argv, {}, fds, app_.log);
  } catch (...) {
    for (int fd : fds) ::close(fd);
    throw;
  }
  for (int fd : fds) ::close(fd); // the server has them now
  wait_until_serving(app_.port, "/stats", "the aiohttp application (servers/app.py)", app_.log);
}

void LocalServers::start_nginx() {
  require("/usr/sbin/nginx", "nginx-light");
  std::vector<int> fds = listen_everywhere(nginx_.port);
  prefix_ = AIO_CH12_RUN_DIR "/nginx-" + std::to_string(::getpid());
  const std::filesystem::path prefix(prefix_);
  std::filesystem::create_directories(prefix / "tmp");
  std::filesystem::create_directories(prefix / "logs"); // nginx opens logs/error.log before reading its config
  write_site(prefix / "html");
  std::string conf = read_file(AIO_CH12_SERVERS "/nginx.conf.in");
  // As root, nginx would run its worker as "nobody", who may not read a build tree under /root.
  conf = replace_all(conf, "@USER@", ::geteuid() == 0 ? "user root;" : "");
  conf = replace_all(conf, "@PREFIX@", prefix_);
  conf = replace_all(conf, "@PORT@", std::to_string(nginx_.port));
  write_file(prefix / "nginx.conf", conf);
  std::string inherited = "NGINX=";
  for (std::size_t i = 0; i < fds.size(); ++i) inherited += std::to_string(3 + i) + ";";
  nginx_.log = prefix_ + "/stderr.log";
  try {
    nginx_.pid =
        spawn_server({"/usr/sbin/nginx", "-p", prefix_, "-c", prefix_ + "/nginx.conf"}, {inherited}, fds, nginx_.log);
  } catch (...) {
    for (int fd : fds) ::close(fd);
    throw;
  }
  for (int fd : fds) ::close(fd);
  wait_until_serving(nginx_.port, "/nginx_status", "nginx", prefix_ + "/error.log");
}

void LocalServers::stop(Child& child) noexcept {
  if (child.pid <= 0) return;
  ::kill(child.pid, SIGTERM);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {}
  child.pid = -1;
}

std::string LocalServers::app(std::string_view path, int host) const {
  return "http://127.0.0." + std::to_string(host) + ":" + std::to_string(app_.port) + std::string(path);
}

std::string LocalServers::nginx(std::string_view path, int host) const {
  return "http://127.0.0." + std::to_string(host) + ":" + std::to_string(nginx_.port) + std::string(path);
}

HostCounts counts_for(std::string_view stats, std::string_view host) {
  HostCounts counts;
  std::istringstream lines{std::string(stats)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.compare(0, host.size() + 1, std::string(host) + " ") != 0) continue;
    std::sscanf(line.c_str() + host.size(), " opened=%d open=%d peak_open=%d peak_in_flight=%d", &counts.opened,
                &counts.open, &counts.peak_open, &counts.peak_in_flight);
  }
  return counts;
}

std::string pattern(std::size_t n) {
  std::string text;
  text.reserve(n + 10);
  while (text.size() < n) text += "0123456789";
  text.resize(n);
  return text;
}

int nginx_accepts(std::string_view status) {
  // "Active connections: 1 \nserver accepts handled requests\n 3 3 3 \n..."
  const std::size_t at = status.find("requests\n");
  int accepts = -1;
  if (at != std::string_view::npos) std::sscanf(std::string(status.substr(at + 9)).c_str(), "%d", &accepts);
  return accepts;
}

} // namespace aio::demos
