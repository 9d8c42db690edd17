#include "testing/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

#include "testing/test_db.h"

namespace recsys::testing {

HttpResult HttpCall(int port, const std::string& method, const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body) {
  std::string request =
      method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  return RawExchange(port, {request});
}

namespace {

// The length of the complete response at the start of `data`, or 0 while it is incomplete.
size_t CompleteResponseLength(const std::string& data) {
  const size_t split = data.find("\r\n\r\n");
  if (split == std::string::npos) return 0;
  std::string lower = data.substr(0, split);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;  // read until the server closes
  const size_t length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
  return data.size() >= split + 4 + length ? split + 4 + length : 0;
}

}  // namespace

HttpResult RawExchange(int port, const std::vector<std::string>& pieces,
                       std::chrono::milliseconds pause, int timeout_seconds) {
  HttpResult result;
  const int fd = ConnectTcp(port, timeout_seconds);
  if (fd < 0) return result;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(pause);
    size_t sent = 0;
    while (sent < pieces[i].size()) {
      const ssize_t n = send(fd, pieces[i].data() + sent, pieces[i].size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (sent < pieces[i].size()) break;  // the server closed the connection
  }
  std::string response;
  char buf[16384];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      response.append(buf, static_cast<size_t>(n));
      if (CompleteResponseLength(response) > 0) break;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) result.timed_out = true;
    break;
  }
  close(fd);
  const size_t split = response.find("\r\n\r\n");
  if (response.size() < 12 || split == std::string::npos) return result;
  result.status = std::atoi(response.substr(9, 3).c_str());
  result.headers = response.substr(0, split);
  const size_t length = CompleteResponseLength(response);
  result.body = response.substr(split + 4, length ? length - split - 4 : std::string::npos);
  return result;
}

int ConnectTcp(int port, int timeout_seconds) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval timeout{timeout_seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

rapidjson::Document ParseJson(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << body;
  return doc;
}

int FreePort() {
  std::string out;
  RunShell(std::string(RECSYS_SOURCE_DIR) + "/scripts/pg-cluster free-port", &out);
  return std::atoi(out.c_str());
}

}  // namespace recsys::testing
