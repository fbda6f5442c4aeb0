#include "searcher/server.h"

#include <unistd.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>
#include <vector>

#include "indexer/common/errors.h"
#include "indexer/common/text.h"

namespace rapportsok {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

ListenAddress parse_listen(const std::string& listen) {
    ListenAddress a;
    std::string port = listen;
    const size_t colon = listen.rfind(':');
    if (!listen.empty() && listen[0] == '[') {
        const size_t close = listen.find(']');
        if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
            throw UsageError("--listen " + listen + ": expected [IPV6]:PORT");
        a.host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else if (colon != std::string::npos) {
        a.host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
    } else {
        a.host = "127.0.0.1";
    }
    if (a.host == "localhost") a.host = "127.0.0.1";
    boost::system::error_code ec;
    asio::ip::make_address(a.host, ec);
    if (ec || a.host.empty())
        throw UsageError("--listen " + listen +
                         ": the host is an IP address (127.0.0.1, 0.0.0.0, [::1]) or localhost");
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
        std::stol(port) > 65535)
        throw UsageError("--listen " + listen + ": the port is a number from 0 to 65535");
    a.port = static_cast<unsigned short>(std::stol(port));
    return a;
}

namespace {

// One line to stderr in one write(2), so that lines of threads never interleave.
void write_line(const std::string& line) {
    size_t done = 0;
    while (done < line.size()) {
        ssize_t n = ::write(2, line.data() + done, line.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

class Server;

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket&& socket, Server& server);
    ~Session();
    void start();
    // While draining: ends the connection if it is waiting for a request (on its strand).
    void stop_if_idle();

  private:
    bool request_arriving();  // bytes of a request have come, read or not
    void read();
    void on_read(beast::error_code ec);
    void respond(Response r, const std::string& method, const std::string& target, bool keep);
    void on_write(beast::error_code ec);
    void close();

    beast::tcp_stream stream_;
    Server& server_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    bool busy_ = false;  // a request is being answered
    bool first_ = true;
    bool keep_ = false;
    std::string remote_, log_target_, method_;
    std::chrono::steady_clock::time_point started_;
};

class Server {
  public:
    Server(const ServeOptions& o, const SearchEngine& engine)
        : options(o),
          api(engine, o.db, o.limits, metrics),
          threads_(o.threads ? o.threads : std::max(2u, std::thread::hardware_concurrency())),
          ioc_(static_cast<int>(threads_)),
          acceptor_(ioc_),
          signals_(ioc_, SIGINT, SIGTERM),
          drain_timer_(ioc_) {}

    tcp::endpoint listen(const ListenAddress& at) {
        const tcp::endpoint ep(asio::ip::make_address(at.host), at.port);
        boost::system::error_code ec;
        acceptor_.open(ep.protocol(), ec);
        if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor_.bind(ep, ec);
        if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            throw UsageError("cannot listen on " + at.host + ":" + std::to_string(at.port) + ": " +
                             ec.message());
        return acceptor_.local_endpoint();
    }

    void run() {
        accept();
        signals_.async_wait([this](const boost::system::error_code& ec, int) {
            if (!ec) drain();
        });
        std::vector<std::thread> pool;
        for (unsigned k = 1; k < threads_; ++k) pool.emplace_back([this] { ioc_.run(); });
        ioc_.run();
        for (std::thread& t : pool) t.join();
    }

    bool draining() const { return draining_; }
    void add(Session* s, std::weak_ptr<Session> w) {
        std::lock_guard<std::mutex> lock(sessions_mutex_);
        sessions_.emplace(s, std::move(w));
    }
    void remove(Session* s) {
        std::lock_guard<std::mutex> lock(sessions_mutex_);
        sessions_.erase(s);
    }
    size_t cut_short() const { return cut_short_; }

    const ServeOptions& options;
    Metrics metrics;
    Api api;

  private:
    void accept() {
        acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec,
                                                               tcp::socket socket) {
            if (ec) {
                if (!draining_ && acceptor_.is_open()) accept();  // e.g. too many open files
                return;
            }
            bool full;
            {
                std::lock_guard<std::mutex> lock(sessions_mutex_);
                full = sessions_.size() >= options.max_connections;
            }
            if (full) {
                // Told at once rather than left waiting: the socket's buffer takes these bytes.
                static const char k503[] =
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
                    "Connection: close\r\n\r\n";
                boost::system::error_code ignored;
                socket.non_blocking(true, ignored);
                socket.write_some(asio::buffer(k503, sizeof k503 - 1), ignored);
                metrics.record("other", 503, 0);
                socket.close(ignored);
            } else {
                std::make_shared<Session>(std::move(socket), *this)->start();
            }
            accept();
        });
    }

    void drain() {
        draining_ = true;
        write_line("searcher: stopping: answering the requests in flight (at most " +
                   std::to_string(options.drain_timeout.count()) + " ms)\n");
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        std::vector<std::shared_ptr<Session>> open;
        {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            for (auto& [raw, weak] : sessions_)
                if (auto s = weak.lock()) open.push_back(std::move(s));
        }
        for (auto& s : open) s->stop_if_idle();
        deadline_ = std::chrono::steady_clock::now() + options.drain_timeout;
        wait_for_sessions();
    }

    void wait_for_sessions() {
        size_t left;
        {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            left = sessions_.size();
        }
        if (left == 0 || std::chrono::steady_clock::now() >= deadline_) {
            cut_short_ = left;
            ioc_.stop();
            return;
        }
        drain_timer_.expires_after(std::chrono::milliseconds(10));
        drain_timer_.async_wait([this](const boost::system::error_code&) { wait_for_sessions(); });
    }

    unsigned threads_;
    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    asio::signal_set signals_;
    asio::steady_timer drain_timer_;
    std::atomic<bool> draining_{false};
    std::chrono::steady_clock::time_point deadline_;
    std::mutex sessions_mutex_;
    std::map<Session*, std::weak_ptr<Session>> sessions_;
    size_t cut_short_ = 0;
};

Session::Session(tcp::socket&& socket, Server& server)
    : stream_(std::move(socket)), server_(server), buffer_(server.options.max_header_bytes * 2) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "?" : ep.address().to_string();
    server_.metrics.connection_opened();
}

Session::~Session() {
    server_.remove(this);
    server_.metrics.connection_closed();
}

void Session::start() {
    server_.add(this, weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void Session::stop_if_idle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
        if (!self->busy_ && !self->request_arriving()) self->stream_.cancel();
    });
}

bool Session::request_arriving() {
    boost::system::error_code ec;
    const size_t waiting = stream_.socket().available(ec);
    return !ec && (waiting > 0 || buffer_.size() > 0 || (parser_ && parser_->got_some()));
}

void Session::read() {
    // While draining, only a request whose bytes have come (read or not) is still answered.
    if (server_.draining() && !request_arriving()) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(first_ ? server_.options.request_timeout : server_.options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Session::on_read(beast::error_code ec) {
    started_ = std::chrono::steady_clock::now();
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof)
        return close();
    if (ec) {
        // Malformed or oversized: answered, then the connection is closed (the rest of what
        // was sent cannot be read as requests).
        Response r;
        r.content_type = "text/plain; charset=utf-8";
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            r.status = 431;
            r.body = "request line or headers too large (at most " +
                     std::to_string(server_.options.max_header_bytes) + " bytes)\n";
        } else if (ec == http::error::body_limit) {
            r.status = 413;
            r.body = "request body too large\n";
        } else {
            r.status = 400;
            r.body = "malformed request: " + ec.message() + "\n";
        }
        return respond(std::move(r), "-", "-", false);
    }
    busy_ = true;
    first_ = false;
    const auto& req = parser_->get();
    const std::string method(req.method_string());
    const std::string target(req.target());
    std::string inm;
    if (auto it = req.find(http::field::if_none_match); it != req.end())
        inm = std::string(it->value());
    Response r = server_.api.handle(method, target, inm);
    const bool keep = req.keep_alive() && !server_.draining();
    parser_.reset();  // done with: what it got no longer counts as a request arriving
    respond(std::move(r), method, target, keep);
}

void Session::respond(Response r, const std::string& method, const std::string& target, bool keep) {
    busy_ = true;
    keep_ = keep;
    method_ = method;
    if (server_.options.log_queries) {
        log_target_ = target;
    } else {
        log_target_ = target.substr(0, target.find('?'));
    }
    log_target_ = replace_controls(log_target_, "?");
    const size_t length = r.body.size();
    if (method == "HEAD") r.body.clear();
    response_ = {};
    response_.version(11);
    response_.result(static_cast<http::status>(r.status));
    response_.set(http::field::server, "rapportsok");
    response_.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : security_headers()) response_.set(k, v);
    for (const auto& [k, v] : r.headers) response_.set(k, v);
    response_.body() = std::move(r.body);
    response_.keep_alive(keep);
    response_.prepare_payload();
    if (method == "HEAD") response_.content_length(length);
    server_.metrics.record(
        r.endpoint, r.status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    stream_.expires_after(server_.options.request_timeout);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(beast::error_code ec) {
    busy_ = false;
    const double ms =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() * 1000;
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", ms);
    write_line("searcher: " + utc_now() + " " + remote_ + " " + method_ + " " + log_target_ + " " +
               std::to_string(response_.result_int()) + " " +
               std::to_string(response_.body().size()) + " B " + took + " ms" +
               (ec ? " (not sent: " + ec.message() + ")" : "") + "\n");
    if (ec || !keep_) return close();
    read();
}

void Session::close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
}

}  // namespace

int run_server(const ServeOptions& o, std::ostream& err) {
    std::signal(SIGPIPE, SIG_IGN);
    EngineOptions eo;  // as the CLI opens it
    eo.databases.push_back(o.db);
    eo.databases.insert(eo.databases.end(), o.more_dbs.begin(), o.more_dbs.end());
    eo.shard_timeout = o.shard_timeout;
    const SearchEngine engine(eo);
    Server server(o, engine);
    const tcp::endpoint ep = server.listen(parse_listen(o.listen));
    const std::string host =
        ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    err << "searcher: serving " << o.db << " at http://" << host << ":" << ep.port() << "/"
        << (ep.address().is_loopback() ? "" : " (reachable from other machines: --listen)")
        << std::endl;
    server.run();
    if (server.cut_short())
        write_line("searcher: stopped; " + std::to_string(server.cut_short()) +
                   " connection(s) cut short after the drain time\n");
    else
        write_line("searcher: stopped\n");
    return 0;
}

}  // namespace rapportsok
