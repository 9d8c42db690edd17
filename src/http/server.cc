#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/uuid.h"
#include "http/cors.h"
#include "http/problem.h"
#include "obs/log.h"
#include "obs/metrics.h"

namespace recsys::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// A read buffer larger than this is freed between requests (a request's headers fit well within).
constexpr size_t kIdleBufferBytes = 16 * 1024;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// Runs the handler (or answers a CORS preflight) and turns any escaping exception into a 500.
// Returns the response, or nullopt when a deferred route will answer through make_responder()'s
// Responder (already decorated for CORS).
std::optional<HttpResponse> Handle(const Router& router, const CorsPolicy& cors,
                                   HttpRequest& request,
                                   const std::function<Responder()>& make_responder) {
  try {
    if (auto preflight = cors.Preflight(request)) return std::move(*preflight);
    std::optional<HttpResponse> response = router.Dispatch(request, make_responder);
    if (response) cors.Decorate(request, *response);
    return response;
  } catch (const std::exception& e) {
    obs::Log(obs::Level::kError, "handler threw")
        .Str("request_id", request.request_id)
        .Str("error", e.what());
  } catch (...) {
    obs::Log(obs::Level::kError, "handler threw").Str("request_id", request.request_id);
  }
  return StatusProblem(Status::Internal("internal error; see the server log"), request);
}

class Session;

// The server's open sessions, so that a drain can reach each one. Thread-safe.
class SessionRegistry {
 public:
  using Handle = std::list<std::weak_ptr<Session>>::iterator;
  Handle Add(std::weak_ptr<Session> session) {
    std::lock_guard<std::mutex> lock(mu_);
    return sessions_.insert(sessions_.end(), std::move(session));
  }
  void Remove(Handle handle) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(handle);
  }
  std::vector<std::shared_ptr<Session>> Live() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::shared_ptr<Session>> live;
    for (const auto& weak : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    return live;
  }

 private:
  std::mutex mu_;
  std::list<std::weak_ptr<Session>> sessions_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const Router& router, const CorsPolicy& cors,
          const ServerOptions& options, bool over_capacity,
          std::shared_ptr<std::atomic<int>> thread_connections, const std::atomic<bool>& draining,
          std::atomic<uint64_t>& requests_counted, SessionRegistry& registry)
      : stream_(std::move(socket)),
        router_(router),
        cors_(cors),
        options_(options),
        thread_connections_(std::move(thread_connections)),
        draining_(draining),
        requests_counted_(requests_counted),
        registry_(registry),
        over_capacity_(over_capacity) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = endpoint.address().to_string();
    thread_connections_->fetch_add(1);
    obs::Metrics::Global().ConnectionOpened();
  }

  ~Session() {
    if (registered_) registry_.Remove(registration_);
    thread_connections_->fetch_sub(1);
    obs::Metrics::Global().ConnectionClosed();
  }

  void Run() {
    registration_ = registry_.Add(weak_from_this());
    registered_ = true;
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

  // Shutting down: a connection waiting for its next request closes now; one in the middle of a
  // request finishes it, answers with `Connection: close` and then closes.
  void Drain() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->parser_ && !self->parser_->got_some() && !self->response_) self->Close();
    });
  }

 private:
  void Read() {
    if (draining_.load() && buffer_.size() == 0) return Close();
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(std::chrono::milliseconds(options_.request_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    // Closed by a drain while the bytes of a request were on their way: no answer could reach
    // the client, so the request must not be handled either.
    if (!stream_.socket().is_open()) return;
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();
    }
    started_ = Clock::now();
    HttpRequest request;
    request.request_id = NewUuidV7();
    request.remote_ip = remote_ip_;
    if (ec == bhttp::error::body_limit) {
      return Reply(request,
                   StatusProblem(Status::ResourceExhausted("request body exceeds " +
                                                           std::to_string(options_.max_body_bytes) +
                                                           " bytes"),
                                 request),
                   /*keep_alive=*/false);
    }
    if (ec) {
      return Reply(request,
                   StatusProblem(Status::InvalidArgument("malformed HTTP request: " + ec.message()),
                                 request),
                   /*keep_alive=*/false);
    }
    const auto& message = parser_->get();
    const std::string_view target = View(message.target());
    const size_t question = target.find('?');
    request.method = View(message.method_string());
    request.path = target.substr(0, question);
    if (question != std::string_view::npos) request.query = target.substr(question + 1);
    request.body = message.body();
    request.headers.reserve(16);
    for (const auto& field : message) {
      request.headers.emplace_back(View(field.name_string()), View(field.value()));
    }
    const std::string_view given_id = request.Header("X-Request-Id");
    if (IsUuid(given_id)) request.request_id = std::string(given_id);
    if (over_capacity_) {
      return Reply(request,
                   StatusProblem(
                       Status::Unavailable("too many connections; retry shortly").WithRetryAfter(1),
                       request),
                   /*keep_alive=*/false);
    }
    obs::Metrics::Global().RequestStarted();
    // The request's views point into parser_, which stays until the next Read(): a deferred
    // answer arrives before that.
    pending_.emplace(std::move(request));
    std::optional<HttpResponse> response =
        Handle(router_, cors_, *pending_, [this] { return DeferredResponder(); });
    if (!response) return;  // a deferred route answers through DeferredResponder()
    obs::Metrics::Global().RequestFinished();
    Reply(*pending_, std::move(*response), message.keep_alive());
  }

  // A Responder for a deferred route: the answer may come from any thread; it is written on this
  // connection's thread. Keeps the session alive until then.
  Responder DeferredResponder() {
    return [self = shared_from_this()](HttpResponse response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        obs::Metrics::Global().RequestFinished();
        self->cors_.Decorate(*self->pending_, response);
        self->Reply(*self->pending_, std::move(response), self->parser_->get().keep_alive());
      });
    };
  }

  void Reply(const HttpRequest& request, HttpResponse&& response, bool keep_alive) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
    obs::Metrics::Global().ObserveRequest(request.route, response.status, elapsed);
    if (AccessLogged(response.status)) {
      obs::Log(obs::Level::kInfo, "request")
          .Str("request_id", request.request_id)
          .Str("method", request.method)
          .Str("path", request.path)
          .Int("status", response.status)
          .Int("duration_us", elapsed)
          .Str("remote_ip", remote_ip_);
    }

    response_.emplace();
    auto& out = *response_;
    out.version(11);
    out.result(static_cast<unsigned>(response.status));
    out.set(bhttp::field::server, "recsys");
    out.set(bhttp::field::content_type, response.content_type);
    out.set("X-Request-Id", request.request_id);
    for (auto& [name, value] : response.headers) out.set(name, value);
    out.body() = std::move(response.body);
    out.keep_alive(keep_alive && !draining_.load());
    out.prepare_payload();
    bhttp::async_write(
        stream_, out, beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive));
  }

  bool AccessLogged(int status) {
    if (status >= 500 || options_.access_log_one_in == 1) return true;
    if (options_.access_log_one_in == 0) return false;
    // Counted across connections (a client may open one per request); touched only when sampling.
    return requests_counted_.fetch_add(1, std::memory_order_relaxed) %
               static_cast<uint64_t>(options_.access_log_one_in) ==
           0;
  }

  void OnWrite(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return Close();
    if (!keep_alive || draining_.load()) return LingerClose();
    response_.reset();
    // A connection waiting for its next request keeps no large read buffer: one big batch of
    // events must not pin tens of KiB for the connection's life (4096 connections by default).
    if (buffer_.size() == 0 && buffer_.capacity() > kIdleBufferBytes) buffer_.shrink_to_fit();
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  // After a final response (e.g. a 413 before the body was read), stop sending but keep reading
  // and discarding for a while: closing with unread input would reset the connection and could
  // destroy the response before the client reads it.
  void LingerClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(5));
    Discard();
  }

  void Discard() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->stream_.close();
                              self->Discard();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  const Router& router_;
  const CorsPolicy& cors_;
  const ServerOptions& options_;
  const std::shared_ptr<std::atomic<int>> thread_connections_;  // this connection's thread's
  const std::atomic<bool>& draining_;
  std::atomic<uint64_t>& requests_counted_;  // for access-log sampling
  SessionRegistry& registry_;
  SessionRegistry::Handle registration_;
  bool registered_ = false;
  const bool over_capacity_;
  std::string remote_ip_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::optional<HttpRequest> pending_;  // the request being answered
  Clock::time_point started_;
  char drain_[4096];
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, const Router& router)
      : options_(std::move(options)),
        router_(router),
        cors_(options_.cors_origins),
        contexts_(MakeContexts(options_.threads)),
        acceptor_(*contexts_[0].io) {}

  Status Start() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return Status::InvalidArgument("bad listen address " + options_.host);
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + options_.host + ":" +
                                 std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    for (auto& context : contexts_) {
      threads_.emplace_back([&context] { context.io->run(); });
    }
    return Status::Ok();
  }

  void Stop() {
    if (threads_.empty()) return;
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    draining_ = true;
    for (const auto& session : sessions_.Live()) session->Drain();
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.shutdown_grace_ms);
    while (OpenConnections() > 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (const int open = OpenConnections(); open > 0) {
      obs::Log(obs::Level::kWarn, "shutdown grace period over; closing connections still open")
          .Int("connections", open);
    }
    for (auto& context : contexts_) context.io->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  uint16_t port() const { return port_; }

 private:
  // One io_context per thread, each run by its thread alone: a connection lives on one thread,
  // so its handlers need no strand and no request crosses threads. Each accepted connection
  // goes to the thread with the fewest open connections, which keeps a few busy keep-alive
  // connections spread evenly (SO_REUSEPORT's hashing can put them all on one thread).
  struct ThreadContext {
    std::unique_ptr<asio::io_context> io;
    asio::executor_work_guard<asio::io_context::executor_type> keep_running;
    std::shared_ptr<std::atomic<int>> connections;
  };

  static std::vector<ThreadContext> MakeContexts(int threads) {
    std::vector<ThreadContext> contexts;
    for (int i = 0; i < std::max(1, threads); ++i) {
      auto io = std::make_unique<asio::io_context>(1);
      auto guard = asio::make_work_guard(*io);
      contexts.push_back({std::move(io), std::move(guard), std::make_shared<std::atomic<int>>(0)});
    }
    return contexts;
  }

  // Connections are counted once, per thread; the total is their sum.
  int OpenConnections() const {
    int open = 0;
    for (const auto& context : contexts_) open += context.connections->load();
    return open;
  }

  ThreadContext& LeastBusyContext() {
    ThreadContext* best = &contexts_[0];
    for (auto& context : contexts_) {
      if (context.connections->load() < best->connections->load()) best = &context;
    }
    return *best;
  }

  void Accept() {
    ThreadContext& target = LeastBusyContext();
    acceptor_.async_accept(*target.io, [this, connections = target.connections](
                                           beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec && draining_.load()) return s.close(ec);
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        const bool over_capacity = OpenConnections() >= options_.max_connections;
        std::make_shared<Session>(std::move(s), router_, cors_, options_, over_capacity,
                                  std::move(connections), draining_, requests_counted_, sessions_)
            ->Run();
      } else {
        obs::Log(obs::Level::kWarn, "accept failed").Str("error", ec.message());
      }
      Accept();
    });
  }

  ServerOptions options_;
  const Router& router_;
  CorsPolicy cors_;
  std::atomic<bool> draining_{false};
  std::atomic<uint64_t> requests_counted_{0};
  SessionRegistry sessions_;
  std::vector<ThreadContext> contexts_;
  tcp::acceptor acceptor_;  // runs on contexts_[0]
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
};

HttpServer::HttpServer(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}
HttpServer::~HttpServer() { impl_->Stop(); }
Status HttpServer::Start() { return impl_->Start(); }
void HttpServer::Stop() { impl_->Stop(); }
uint16_t HttpServer::port() const { return impl_->port(); }

}  // namespace recsys::http
