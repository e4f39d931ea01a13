// The error table of `onshi serve` (issue 21): one row per error answer a
// route gives — its request, and the exact answer in the caller's own
// format: an RFC 9457 problem document (type, title, status, detail), an
// OQS error answer (ErrorCode, ErrorMessage), a FHIR OperationOutcome, the
// facility login's answer, a portal page or redirect. Adding a route means
// adding rows; CoverageOf() tells which routes of the servers' RouteList()s
// have none.
#ifndef ONSHI_TESTS_APP_ERROR_TABLE_HPP_
#define ONSHI_TESTS_APP_ERROR_TABLE_HPP_

#include <boost/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "process_util.hpp"
#include "service/eligibility_service.hpp"
#include "service/insurer_service.hpp"
#include "service/municipal_service.hpp"
#include "service/router.hpp"

namespace onshi::testing {

enum class AnswerKind {
  kProblem,   // application/problem+json: title, detail
  kOqs,       // OQS error answer (JSON or XML): ErrorCode, ErrorMessage
  kFhir,      // OperationOutcome: issue[0].code, issue[0].diagnostics
  kLogin,     // the facility login's {"status":"1","msg"}: msg
  kPage,      // an HTML page (text/html): `title` must appear in it
  kRedirect,  // 303 to `title` (the Location)
  kHealth,    // /healthz's JSON: its "status" is `title`
};

struct ErrorRow {
  std::string who = {};  // curl options that present the caller (certificate, token, cookie)
  std::string method = {}, path = {};
  std::string body = {};
  int status = 0;
  AnswerKind kind = AnswerKind::kProblem;
  // Problem: the title; OQS: the ErrorCode; FHIR: the issue code; login:
  // the msg; page: a text the page shows; redirect: the Location.
  std::string title = {};
  // Problem: the detail; OQS: the ErrorMessage; FHIR: the diagnostics.
  // Compared whole; a trailing "…" compares only what comes before it
  // (a part the code takes from a changing source, e.g. a probe's error).
  std::string detail = {};
  // The route ("POST /municipal/v1/cards/{id:int}/suspend") a row stands
  // for when its request is not routed to it (a partial id, a wrong method,
  // an unknown action): "" when the request itself finds the route.
  std::string route = {};
  std::string ctype = "application/json";
};

inline std::string Describe(const ErrorRow& r) {
  return r.method + " " + r.path + (r.body.size() < 80 ? " body=" + r.body : " body=<large>");
}

// Routes with no error answer of their own: they read nothing from the
// request (no body, no id, no query they act on).
inline const std::set<std::string> kNoErrorAnswer = {
    "GET /fhir/metadata", "GET /oqs-api-pro/proof-key", "GET /portal/login",
    "GET /metrics",       "GET /admin/audit/verify",    "GET /insurer/v1/documents/register.csv",
    "GET /openapi.json",
};
// Routes whose error answers need a database that is stopped or a full
// challenge book: ErrorTableDatabaseDownTest's rows.
inline const std::set<std::string> kInTheDatabaseDownTable = {
    "GET /healthz",
    "GET /admin/health",
    "POST /portal/card/challenge",
    "POST /oqs-api-pro/card/challenge",
};

// "" when `a` is exactly the answer `row` expects; otherwise what differs.
inline std::string Mismatch(const HttpAnswer& a, const ErrorRow& row) {
  namespace json = boost::json;
  std::string out;
  auto expect = [&](const std::string& what, const std::string& got, const std::string& want) {
    const bool prefix = want.size() >= 3 && want.ends_with("…");
    const std::string w = prefix ? want.substr(0, want.size() - 3) : want;
    const bool ok = prefix ? got.rfind(w, 0) == 0 : got == w;
    if (!ok) out += "\n  " + what + ": got \"" + got + "\", want \"" + want + "\"";
  };
  if (a.status != row.status) {
    out += "\n  status: got " + std::to_string(a.status) + ", want " + std::to_string(row.status);
  }
  boost::system::error_code ec;
  switch (row.kind) {
    case AnswerKind::kProblem: {
      expect("Content-Type", a.Header("Content-Type"), "application/problem+json");
      const json::value doc = json::parse(a.body, ec);
      if (ec || !doc.is_object()) return out + "\n  not JSON: " + a.body.substr(0, 300);
      const json::object& o = doc.as_object();
      auto text = [&](const char* k) {
        const json::value* v = o.if_contains(k);
        return v && v->is_string() ? std::string(v->as_string()) : std::string("<none>");
      };
      expect("type", text("type"), "about:blank");
      expect("title", text("title"), row.title);
      const json::value* st = o.if_contains("status");
      if (!st || !st->is_int64() || st->as_int64() != row.status) {
        out += "\n  problem status: " + (st ? json::serialize(*st) : std::string("<none>"));
      }
      expect("detail", o.contains("detail") ? text("detail") : "", row.detail);
      break;
    }
    case AnswerKind::kOqs: {
      std::string code = "<none>", message = "<none>";
      const json::value doc = json::parse(a.body, ec);
      if (!ec) {
        try {
          const json::value& header = doc.at("XmlMsg").at("MessageHeader");
          code = std::string(header.at("ErrorCode").as_string());
          message = std::string(header.at("ErrorMessage").as_string());
        } catch (const std::exception&) {
        }
      } else {
        // XML: the text of the two elements, entities decoded.
        auto element = [&](const std::string& name) {
          const size_t open = a.body.find("<" + name + ">");
          const size_t close = a.body.find("</" + name + ">");
          if (open == std::string::npos || close == std::string::npos) return std::string("<none>");
          std::string t = a.body.substr(open + name.size() + 2, close - open - name.size() - 2);
          for (const auto& [entity, c] :
               {std::pair{"&quot;", "\""}, std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"},
                std::pair{"&apos;", "'"}, std::pair{"&amp;", "&"}}) {
            for (size_t at; (at = t.find(entity)) != std::string::npos;)
              t.replace(at, std::string_view(entity).size(), c);
          }
          return t;
        };
        code = element("ErrorCode");
        message = element("ErrorMessage");
      }
      expect("ErrorCode", code, row.title);
      expect("ErrorMessage", message, row.detail);
      if (a.body.find("\"QualificationValidity\"") != std::string::npos ||
          a.body.find("<QualificationValidity>") != std::string::npos) {
        out += "\n  an error answer with a QualificationValidity";
      }
      break;
    }
    case AnswerKind::kFhir: {
      expect("Content-Type", a.Header("Content-Type"), "application/fhir+json");
      const json::value doc = json::parse(a.body, ec);
      if (ec || !doc.is_object()) return out + "\n  not JSON: " + a.body.substr(0, 300);
      try {
        expect("resourceType", std::string(doc.at("resourceType").as_string()), "OperationOutcome");
        const json::value& issue = doc.at("issue").as_array().at(0);
        expect("issue code", std::string(issue.at("code").as_string()), row.title);
        expect("diagnostics", std::string(issue.at("diagnostics").as_string()), row.detail);
      } catch (const std::exception& e) {
        out += std::string("\n  not an OperationOutcome: ") + e.what() + " " + a.body;
      }
      break;
    }
    case AnswerKind::kLogin: {
      const json::value doc = json::parse(a.body, ec);
      if (ec || !doc.is_object()) return out + "\n  not JSON: " + a.body.substr(0, 300);
      try {
        expect("status", std::string(doc.at("status").as_string()), "1");
        expect("msg", std::string(doc.at("msg").as_string()), row.title);
        if (!doc.at("result").is_null()) out += "\n  a result with a refusal";
      } catch (const std::exception& e) {
        out += std::string("\n  not a login answer: ") + e.what() + " " + a.body;
      }
      break;
    }
    case AnswerKind::kPage:
      expect("Content-Type", a.Header("Content-Type"), "text/html;charset=UTF-8");
      if (a.body.find(row.title) == std::string::npos) {
        out += "\n  the page lacks \"" + row.title + "\"";
      }
      break;
    case AnswerKind::kRedirect:
      expect("Location", a.Header("Location"), row.title);
      break;
    case AnswerKind::kHealth: {
      const json::value doc = json::parse(a.body, ec);
      if (ec || !doc.is_object() || !doc.as_object().contains("status")) {
        return out + "\n  not the health JSON: " + a.body.substr(0, 300);
      }
      expect("status", json::value_to<std::string>(doc.at("status")), row.title);
      break;
    }
  }
  if (!out.empty()) out += "\n  body: " + a.body.substr(0, 400);
  return out;
}

// Every route of `onshi serve`, as "METHOD pattern", but the subtrees
// ("/municipal/**"): their services' routes are listed instead.
inline std::vector<std::string> ServeRoutes(service::RouteTable* table = nullptr) {
  std::vector<std::string> names;
  for (const auto& list :
       {service::EligibilityService::RouteList(), service::InsurerService::RouteList(),
        service::MunicipalService::RouteList()}) {
    for (const auto& [method, pattern] : list) {
      if (pattern.ends_with("/**")) continue;
      if (table) table->Add(method, pattern);
      names.push_back(method + " " + pattern);
    }
  }
  return names;
}

// The routes each row stands for: its `route`, or the route its request
// finds. A row naming a route that does not exist is reported in `bad`.
inline std::set<std::string> CoverageOf(const std::vector<ErrorRow>& rows,
                                        std::vector<std::string>* bad) {
  service::RouteTable table;
  const std::vector<std::string> names = ServeRoutes(&table);
  const std::set<std::string> known(names.begin(), names.end());
  std::set<std::string> covered;
  for (const ErrorRow& r : rows) {
    if (!r.route.empty()) {
      if (known.contains(r.route)) {
        covered.insert(r.route);
      } else {
        bad->push_back(Describe(r) + " names no route \"" + r.route + "\"");
      }
      continue;
    }
    const auto m = table.Find(r.method, r.path);
    if (m.kind == service::RouteTable::Match::Kind::kFound) covered.insert(names[m.route]);
  }
  return covered;
}

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_ERROR_TABLE_HPP_
