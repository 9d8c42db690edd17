// Hostile input against a real server: several hundred malformed requests over every endpoint
// (bodies, headers, request lines, query strings, path parameters, slow clients). Every answer
// must be a 4xx problem+json that the OpenAPI document lists for that operation (checked by
// scripts/openapi-check), or a closed connection; never a 5xx or a hang; and the server must be
// healthy afterwards.
#include <gtest/gtest.h>
#include <jwt.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/uuid.h"
#include "store/pg.h"
#include "testing/api_log.h"
#include "testing/jwt_signer.h"
#include "testing/serve_process.h"
#include "testing/served_demo_suite.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::HttpResult;

const std::string kJwtSecret = "hostile-jwt-secret-0123456789-0123456789";
const std::string kApiKeySecret = "hostile-api-key-secret-0123456789";
const std::string kDevAuth = "X-Dev-User-Id: h\r\nX-Dev-Org-Id: demo\r\n";
const std::string kRecommend = R"({"surface": "home", "k": 3, "user": {"user_id": "u"}})";
const std::string kAdmin = "/v1/admin/tenants/demo";

// Every endpoint that takes a JSON body.
const std::vector<std::pair<std::string, std::string>> kJsonEndpoints = {
    {"POST", "/v1/recommend"},
    {"POST", "/v1/recommend/validate"},
    {"POST", "/v1/similar"},
    {"POST", "/v1/events"},
    {"PUT", "/v1/catalog/items"},
    {"PUT", kAdmin + "/config"},
    {"PUT", kAdmin + "/rules"},
    {"POST", kAdmin + "/config/rollback"},
    {"POST", kAdmin + "/rules/rollback"},
    {"POST", kAdmin + "/rules/dry-run"},
    {"POST", kAdmin + "/preview"},
    {"POST", kAdmin + "/cache/invalidate"},
};

// Bodies no endpoint may accept: broken syntax, ambiguity, bad encoding, unbounded nesting.
std::vector<std::string> BadBodies() {
  return {
      "",
      "null",
      "123",
      "\"text\"",
      "{",
      "[",
      R"({"a":})",
      "{} trailing",
      "{'a': 1}",
      R"({"a": NaN})",
      "/* comment */ {}",
      "\xff\xfe{}",
      "{\"a\": \"\xc3\x28\"}",  // invalid UTF-8
      R"({"a": "\ud800"})",     // a lone surrogate
      R"({"a": "x\u0000y"})",   // NUL inside a string
      R"({"a": 1, "a": 2})",    // duplicate keys
      R"({"surface": "home", "surface": "pdp", "k": 1, "user": {"user_id": "u"}})",
      R"({"a": 1e999})",
      R"({"a": 01})",
      R"({"a": "\x41"})",
      std::string("{\"a\": 1}") + '\0',
      "{\"a\": " + std::string(5000, '[') + std::string(5000, ']') + "}",
      "{\"a\": " + std::string(65, '[') + std::string(65, ']') + "}",
  };
}

std::string Request(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& headers = kDevAuth + "Content-Type: application/json\r\n") {
  return method + " " + path + " HTTP/1.1\r\nHost: h\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string Jwt(const std::string& claims, jwt_alg_t alg = JWT_ALG_HS256,
                const std::string& key = kJwtSecret) {
  return testing::SignJwt(alg, key, claims);
}

std::string Claims(const std::string& tenant, int64_t exp_offset) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return R"({"sub": "h", "tenant_id": ")" + tenant + R"(", "roles": ["admin"], "exp": )" +
         std::to_string(now + exp_offset) + "}";
}

struct Case {
  std::string name;
  std::vector<std::string> pieces;  // sent in order, `pause` apart
  std::chrono::milliseconds pause{0};
  bool must_answer = true;  // false: closing the connection is a fine answer too
  bool framing = false;     // broken at the HTTP level: refused before any route is chosen
};

// Headers that must not let a request through, each on an otherwise valid /v1/recommend.
std::vector<Case> HeaderCases() {
  const std::string json = "Content-Type: application/json\r\n";
  const std::string body = kRecommend;
  auto recommend = [&](const std::string& name, const std::string& headers) {
    return Case{name, {Request("POST", "/v1/recommend", body, headers)}};
  };
  std::vector<Case> cases = {
      recommend("text/plain body", kDevAuth + "Content-Type: text/plain\r\n"),
      recommend("form body", kDevAuth + "Content-Type: application/x-www-form-urlencoded\r\n"),
      recommend("two X-Org-Id", kDevAuth + json + "X-Org-Id: demo\r\nX-Org-Id: acme\r\n"),
      recommend("other tenant's X-Org-Id", kDevAuth + json + "X-Org-Id: acme\r\n"),
      recommend("2 KB X-Org-Id", kDevAuth + json + "X-Org-Id: " + std::string(2048, 'x') + "\r\n"),
      recommend("SQL in X-Org-Id", kDevAuth + json + "X-Org-Id: demo' OR '1'='1\r\n"),
      recommend("dev org without user", "X-Dev-Org-Id: demo\r\n" + json),
      recommend("dev user without org", "X-Dev-User-Id: h\r\n" + json),
      recommend("unknown dev tenant", "X-Dev-User-Id: h\r\nX-Dev-Org-Id: nobody\r\n" + json),
      recommend("2 KB dev tenant",
                "X-Dev-User-Id: h\r\nX-Dev-Org-Id: " + std::string(2048, 'd') + "\r\n" + json),
      recommend("no credentials", json),
      recommend("garbage API key", "X-API-Key: rk_garbage\r\n" + json),
      recommend("10 KB API key", "X-API-Key: " + std::string(10240, 'k') + "\r\n" + json),
      recommend("bearer garbage", "Authorization: Bearer garbage\r\n" + json),
      recommend("bearer three dots", "Authorization: Bearer a.b.c\r\n" + json),
      recommend("bearer empty", "Authorization: Bearer \r\n" + json),
      recommend("basic auth", "Authorization: Basic dXNlcjpwYXNz\r\n" + json),
      recommend("alg none JWT", "Authorization: Bearer " +
                                    Jwt(Claims("demo", 300), JWT_ALG_NONE, "") + "\r\n" + json),
      recommend("expired JWT",
                "Authorization: Bearer " + Jwt(Claims("demo", -3600)) + "\r\n" + json),
      recommend("JWT with another secret", "Authorization: Bearer " +
                                               Jwt(Claims("demo", 300), JWT_ALG_HS256,
                                                   "another-secret-0123456789-0123456789") +
                                               "\r\n" + json),
      recommend(
          "JWT tenant differs from X-Org-Id",
          "Authorization: Bearer " + Jwt(Claims("acme", 300)) + "\r\nX-Org-Id: demo\r\n" + json),
      recommend("JWT for an unknown tenant",
                "Authorization: Bearer " + Jwt(Claims("nobody", 300)) + "\r\n" + json),
      recommend("10 KB bearer", "Authorization: Bearer " + std::string(10240, 'a') + "\r\n" + json),
  };
  // Framing: lengths and encodings the server must refuse rather than guess.
  const std::string start = "POST /v1/recommend HTTP/1.1\r\nHost: h\r\n" + kDevAuth + json;
  for (const auto& [name, raw] : std::vector<std::pair<std::string, std::string>>{
           {"negative Content-Length", start + "Content-Length: -1\r\n\r\n" + body},
           {"non-numeric Content-Length", start + "Content-Length: abc\r\n\r\n" + body},
           {"two different Content-Lengths",
            start + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n" + body},
           {"huge Content-Length", start + "Content-Length: 99999999999\r\n\r\n" + body},
           {"bad chunk size",
            start + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n"},
           {"chunked and Content-Length",
            start + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n"},
           {"header without colon", start + "NoColonHere\r\nContent-Length: 2\r\n\r\n{}"},
           {"space in header name", start + "Bad Header: x\r\nContent-Length: 2\r\n\r\n{}"},
           {"NUL in header value",
            start + "X-Note: a" + std::string(1, '\0') + "b\r\nContent-Length: 2\r\n\r\n{}"},
           {"70 KB header", start + "X-Big: " + std::string(70000, 'b') + "\r\n\r\n"},
           {"5000 headers",
            [&] {
              std::string many = start;
              for (int i = 0; i < 5000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
              return many + "\r\n";
            }()},
           {"2 MB body", start + "Content-Length: 2097152\r\n\r\n" + std::string(2097152, ' ')},
       }) {
    cases.push_back(Case{name, {raw}});
  }
  return cases;
}

// Request lines and methods that do not make a valid request.
std::vector<Case> RequestLineCases() {
  std::vector<Case> cases;
  for (const auto& [name, raw] : std::vector<std::pair<std::string, std::string>>{
           {"garbage line", "GARBAGE\r\n\r\n"},
           {"method only", "GET\r\n\r\n"},
           {"HTTP/0.9", "GET /healthz\r\n\r\n"},
           {"HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: h\r\n\r\n"},
           {"two spaces", "GET  /healthz HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"no slash", "GET healthz HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"lowercase method", "get /healthz HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"unknown method", "BREW /v1/recommend HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"PATCH recommend", "PATCH /v1/recommend HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"PUT recommend", "PUT /v1/recommend HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"},
           {"DELETE healthz", "DELETE /healthz HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"GET events", "GET /v1/events HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"POST metrics", "POST /metrics HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"},
           {"OPTIONS without CORS", "OPTIONS /v1/recommend HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"10 KB path", "GET /" + std::string(10240, 'p') + " HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"70 KB path", "GET /" + std::string(70000, 'p') + " HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"percent-NUL path", "GET /v1/%00 HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"dot-dot path", "GET /v1/../../etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"absolute-form target", "GET http://evil/healthz-nope HTTP/1.1\r\nHost: h\r\n\r\n"},
           {"TLS ClientHello", std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11) +
                                   std::string(64, '\x07')},
           {"blank lines", "\r\n\r\n\r\n"},
           {"binary noise",
            [] {
              std::string noise;
              for (int i = 0; i < 1024; ++i) noise.push_back(static_cast<char>((i * 131) % 256));
              return noise;
            }()},
           {"bare LF line endings", "GET /nope HTTP/1.1\nHost: h\n\n"},
       }) {
    cases.push_back(Case{name, {raw}, 0ms, /*must_answer=*/false, /*framing=*/true});
  }
  return cases;
}

// Query strings and path parameters out of range, and valid JSON that breaks a field rule.
std::vector<Case> FieldCases() {
  std::vector<Case> cases;
  auto get = [&](const std::string& path) {
    cases.push_back(Case{"GET " + path.substr(0, 60),
                         {"GET " + path + " HTTP/1.1\r\nHost: h\r\n" + kDevAuth + "\r\n"}});
  };
  for (const char* query :
       {"limit=-1", "limit=0", "limit=201", "limit=abc", "limit=1e3", "before=yesterday",
        "before_id=x", "before=2026-01-01T00:00:00Z&before_id=-", "limit=%00"}) {
    get(kAdmin + "/audit?" + query);
  }
  for (const char* query : {"limit=0", "limit=-5", "offset=-1", "limit=abc"}) {
    get(kAdmin + "/config/versions?" + query);
    get(kAdmin + "/rules/versions?" + query);
  }
  get("/v1/admin/tenants/" + std::string(2048, 't') + "/config");
  get("/v1/admin/tenants/acme/config");
  get("/v1/admin/tenants/demo%2Fx/config");
  get("/v1/admin/tenants/nobody/rules");
  get("/v1/admin/tenants/demo'--/audit");
  cases.push_back(Case{"DELETE 300-char item",
                       {Request("DELETE", "/v1/catalog/items/" + std::string(300, 'i'), "")}});
  cases.push_back(
      Case{"DELETE other tenant's item",
           {Request("DELETE", "/v1/catalog/items/x", "", kDevAuth + "X-Org-Id: acme\r\n")}});
  cases.push_back(
      Case{"PUT config with a stale If-Match",
           {Request("PUT", kAdmin + "/config", R"({"weights": {"pop": 1}})",
                    kDevAuth + "Content-Type: application/json\r\nIf-Match: \"x\"\r\n")}});
  const std::string user = R"("user": {"user_id": "u"})";
  auto ids = [](int n, size_t length) {
    std::string list = "[";
    for (int i = 0; i < n; ++i) {
      list += (i ? ",\"" : "\"") + std::to_string(i) + std::string(length, 'x') + "\"";
    }
    return list + "]";
  };
  for (const std::string& body : std::vector<std::string>{
           R"({"surface": "home", "k": -1, )" + user + "}",
           R"({"surface": "home", "k": 1000000000, )" + user + "}",
           R"({"surface": "home", "k": "5", )" + user + "}",
           R"({"surface": "home", "k": 2.5, )" + user + "}",
           R"({"surface": ")" + std::string(65, 's') + R"(", )" + user + "}",
           R"({"surface": 5, )" + user + "}",
           R"({"surface": "home", "user": {}})",
           R"({"surface": "home", "user": "u"})",
           R"({"surface": "home", "user": {"user_id": ")" + std::string(257, 'u') + "\"}}",
           R"({"surface": "home", "user": {"user_id": "a\u0001b"}})",
           R"({"surface": "home", "segment": [], )" + user + "}",
           R"({"surface": "home", "anchors": {"item_ids": )" + ids(51, 1) + "}, " + user + "}",
           R"({"surface": "home", "candidates": {"exclude_ids": )" + ids(5001, 1) + "}, " + user +
               "}",
           R"({"surface": "home", "constraints": {"forbidden_tags": )" + ids(201, 1) + "}, " +
               user + "}",
           R"({"surface": "home", "constraints": {"max_per_tag": {"a": -1}}, )" + user + "}",
           R"({"surface": "home", "weights": {"pop": -1}, )" + user + "}",
           R"({"surface": "home", "options": {"explain": "all"}, )" + user + "}",
           R"({"surface": "home", "options": {"seed": "x"}, )" + user + "}",
           R"({"surface": "home", "context": {"now": "yesterday"}, )" + user + "}",
           R"({"surface": "home", "experiment": {"id": 5}, )" + user + "}",
       }) {
    cases.push_back(
        Case{"recommend field: " + body.substr(0, 60), {Request("POST", "/v1/recommend", body)}});
    cases.push_back(Case{"validate field: " + body.substr(0, 60),
                         {Request("POST", "/v1/recommend/validate", body)}});
  }
  for (const std::string& body :
       std::vector<std::string>{R"({"surface": "home"})", R"({"surface": "home", "item_id": ""})",
                                R"({"surface": "home", "item_id": 7})", R"({"item_id": "x"})",
                                R"({"surface": "home", "item_id": "x", "k": 0})"}) {
    cases.push_back(
        Case{"similar field: " + body.substr(0, 60), {Request("POST", "/v1/similar", body)}});
  }
  for (const std::string& body : std::vector<std::string>{
           R"({"events": []})", R"({"events": {}})", R"({"events": "x"})", R"({"event": []})"}) {
    cases.push_back(Case{"events: " + body, {Request("POST", "/v1/events", body)}});
  }
  for (const std::string& body : std::vector<std::string>{
           R"({"items": []})", R"({"items": "x"})", R"({"weights": 1})", R"({"targets": []})",
           R"({"targets": ["nope"]})", R"({"targets": "config"})", R"({"version": 1})"}) {
    cases.push_back(Case{"catalog: " + body, {Request("PUT", "/v1/catalog/items", body)}});
    cases.push_back(
        Case{"invalidate: " + body, {Request("POST", kAdmin + "/cache/invalidate", body)}});
  }
  for (const std::string& body :
       std::vector<std::string>{R"({"weights": {"pop": "high"}})", R"({"limits": {"max_k": 0}})",
                                R"({"ranking": {"half_life_days": -3}})", R"({"weights": []})"}) {
    cases.push_back(Case{"config: " + body, {Request("PUT", kAdmin + "/config", body)}});
  }
  for (const std::string& body :
       std::vector<std::string>{R"([{"action": "pin", "target_type": "item"}])",
                                R"([{"action": "boost", "target_type": "tag", "target_key": "x"}])",
                                R"([{"action": "block", "target_type": "tag", "target_key": "x",
                "valid_from": "2026-02-01T00:00:00Z", "valid_until": "2026-01-01T00:00:00Z"}])",
                                R"([7])", R"({"rules": []})"}) {
    cases.push_back(
        Case{"rules: " + body.substr(0, 60), {Request("PUT", kAdmin + "/rules", body)}});
  }
  return cases;
}

// Clients that send too slowly, or stop: the request timeout (1 s here) must close them.
std::vector<Case> SlowCases() {
  const std::string head = "POST /v1/recommend HTTP/1.1\r\nHost: h\r\n" + kDevAuth +
                           "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n";
  std::vector<std::string> trickle;
  for (char c : std::string("POST /v1/recommend HTTP/1.1\r\nHost: h\r\n"))
    trickle.emplace_back(1, c);
  return {
      Case{"slowloris headers", trickle, 300ms, false, true},
      Case{"body stalls", {head + "{\"surface\":"}, 0ms, false, true},
      Case{"headers never end", {"GET /healthz HTTP/1.1\r\nHost: h\r\n"}, 0ms, false, true},
      Case{"connects and says nothing", {""}, 0ms, false, true},
  };
}

class HostileInputTest : public testing::ServedDemoSuite {
 protected:
  static void SetUpTestSuite() {
    StartSuite("hostile",
               {{"RECSYS_REQUEST_TIMEOUT_MS", "1000"},
                {"RECSYS_JWT_HS256_SECRET", kJwtSecret},
                {"RECSYS_API_KEY_SECRET", kApiKeySecret}},
               [] {
                 store::PgConnection conn = db_->Connect();
                 ASSERT_TRUE(conn.Exec("INSERT INTO tenants (external_id, name) "
                                       "VALUES ('acme', 'Acme')")
                                 .ok());
               });
  }
};

// The method and path of a raw request, or empty ones when its request line is not well formed.
std::pair<std::string, std::string> RequestLine(const std::string& raw) {
  const size_t eol = raw.find("\r\n");
  const std::string line = raw.substr(0, eol);
  const size_t first = line.find(' '), last = line.rfind(' ');
  if (eol == std::string::npos || first == std::string::npos || first == last ||
      line.compare(last + 1, 5, "HTTP/") != 0 || line.find(' ', first + 1) != last) {
    return {"", ""};
  }
  return {line.substr(0, first), line.substr(first + 1, last - first - 1)};
}

TEST_F(HostileInputTest, EveryMalformedRequestGetsADocumented4xxOrAClosedConnection) {
  std::vector<Case> cases;
  for (const auto& [method, path] : kJsonEndpoints) {
    for (const std::string& body : BadBodies()) {
      cases.push_back(
          Case{method + " " + path + " with " + body.substr(0, 40), {Request(method, path, body)}});
    }
  }
  for (auto* more : {&HeaderCases, &RequestLineCases, &FieldCases, &SlowCases}) {
    for (Case& c : (*more)()) cases.push_back(std::move(c));
  }
  ASSERT_GE(cases.size(), 250u);

  const std::string dir = "/tmp/recsys-hostile-" + NewUuidV4();
  std::filesystem::create_directories(dir);
  testing::ApiLog log(dir + "/calls.jsonl");
  for (const Case& c : cases) {
    const HttpResult r = testing::RawExchange(serve_->port(), c.pieces, c.pause, 10);
    const auto [method, path] = RequestLine(c.pieces.front());
    log.Add(c.framing ? "" : method, path, r);
    EXPECT_FALSE(r.timed_out) << c.name << ": no answer and not closed (a hang)";
    EXPECT_TRUE(r.status == 0 || (r.status >= 400 && r.status < 500))
        << c.name << ": " << r.status << " " << r.body.substr(0, 200);
    if (c.must_answer) {
      EXPECT_NE(r.status, 0) << c.name << ": closed without an answer";
    }
  }
  std::ofstream(dir + "/openapi.json")
      << testing::HttpCall(serve_->port(), "GET", "/openapi.json").body;
  std::string report;
  EXPECT_EQ(log.Check(dir + "/openapi.json", "--client-errors-only", &report), 0) << report;

  // Still healthy: the same connection limits, and real answers.
  EXPECT_EQ(testing::HttpCall(serve_->port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(serve_->Post("/v1/recommend", kRecommend).status, 200);
  EXPECT_EQ(testing::HttpCall(serve_->port(), "GET", "/readyz").status, 200);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace recsys
