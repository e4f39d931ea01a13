#include "service/insurer_service.hpp"

#include "service/peer_certificate.hpp"

#include <openssl/x509.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <set>

#include "core/copay.hpp"
#include "core/portal_status.hpp"
#include "intake/submission_reader.hpp"
#include "intermediate/document_desk.hpp"
#include "intermediate/error_report.hpp"
#include "intermediate/importer.hpp"
#include "intermediate/print_run.hpp"
#include "service/clinical_input.hpp"
#include "service/multipart_form.hpp"
#include "service/router.hpp"
#include "service/staff_page.hpp"

namespace onshi::service {
namespace json = boost::json;
namespace {

constexpr std::string_view kPrefix = "/insurer/";

http::Response Problem(int status, const std::string& title, const std::string& detail) {
  json::object o;
  o["type"] = "about:blank";
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  return {status, "application/problem+json", {}, json::serialize(o)};
}

http::Response Json(int status, const json::value& v) {
  return {status, "application/json;charset=UTF-8", {}, json::serialize(v)};
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json::array Errors(const std::vector<FieldError>& errors) {
  json::array a;
  for (const FieldError& e : errors) {
    a.push_back(json::object{{"line", e.line}, {"field", e.field}, {"reason", e.reason}});
  }
  return a;
}

json::object SubmissionJson(const store::SubmissionRecord& r, Date today) {
  const PortalStatus portal = PortalStatusOf(r.state, r.due_on, today);
  json::object o{{"submission_id", r.submission_id},
                 {"form", FormKindCode(r.form)},
                 {"state", LinkageStateName(r.state)},
                 {"received_on", r.received_on.ToIso()},
                 {"due_on", r.due_on.ToIso()},
                 {"symbol", r.symbol},
                 {"number", r.number},
                 {"branch", r.branch},
                 {"name", r.name},
                 {"event_date", r.event_date.ToIso()},
                 {"portal_status", portal.label}};
  if (r.linked_on) o["linked_on"] = r.linked_on->ToIso();
  if (r.state == LinkageState::kRegistrationError) {
    json::array fields;
    std::string_view rest = r.error_fields;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      fields.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    }
    o["error_fields"] = std::move(fields);
    o["error"] = r.error;
  }
  return o;
}

json::object ElderlyJson(const ElderlyRecipient& e) {
  return {{"certificate_date", e.certificate_date.ToIso()},
          {"valid_from", e.valid_from.ToIso()},
          {"valid_until", e.valid_until.ToIso()},
          {"copay_percent", e.copay_percent}};
}

// What the insurer has filed and what facilities are told on `today`
// (R-FAC-9): the ratio in force (filed, or the law's that day), the
// 高齢受給者証 in force (filed, or the law's for a 70–74-year-old), and every
// filed 限度額適用認定証 and 特定疾病療養受療証.
json::object MemberJson(const Qualification& q, Date today) {
  const MemberAttributes& a = q.AttributesOn(today);
  json::object o{
      {"insurer_number", q.insurer_number},
      {"symbol", q.symbol},
      {"number", q.number},
      {"branch", q.branch},
      {"personal_family", q.personal_family == PersonalFamily::kInsured ? "本人" : "家族"},
      {"name", a.name},
      {"name_kana", a.name_kana},
      {"insured_name", a.insured_name},
      {"postcode", a.postcode},
      {"address", a.address},
      {"birth_date", q.birth_date.ToIso()},
      {"sex", static_cast<int>(q.sex)},
      {"acquired", q.acquired.ToIso()},
      {"copay_percent", CopayPercentOn(q, today)},
      {"copay_filed", q.copay_filed},
      {"card_classification", CardClassificationCode(q.card_classification)},
      {"linkage", LinkageStateName(q.linkage)}};
  if (!a.name_of_other.empty()) {
    o["name_of_other"] = a.name_of_other;
    o["name_of_other_kana"] = a.name_of_other_kana;
  }
  if (q.sex2) o["sex2"] = static_cast<int>(*q.sex2);
  if (q.card_issued_on) o["card_issued_on"] = q.card_issued_on->ToIso();
  if (q.card_valid_until) o["card_valid_until"] = q.card_valid_until->ToIso();
  if (const auto e = ElderlyRecipientOn(q, today)) {
    json::object elderly = ElderlyJson(*e);
    elderly["filed"] = q.ElderlyOn(today) != nullptr;
    o["elderly"] = std::move(elderly);
  }
  json::array limits;
  for (const LimitCertificate& l : q.limits) {
    json::object x{{"classification", "0" + std::to_string(l.classification)},
                   {"category", l.category_flag},
                   {"certificate_date", l.certificate_date.ToIso()},
                   {"valid_from", l.valid_from.ToIso()},
                   {"valid_until", l.valid_until.ToIso()}};
    if (l.long_term_date) x["long_term_date"] = l.long_term_date->ToIso();
    limits.push_back(std::move(x));
  }
  o["limits"] = std::move(limits);
  json::array diseases;
  for (const SpecificDisease& d : q.diseases) {
    diseases.push_back(json::object{{"category", std::to_string(d.category)},
                                    {"certificate_date", d.certificate_date.ToIso()},
                                    {"valid_from", d.valid_from.ToIso()},
                                    {"valid_until", d.valid_until.ToIso()},
                                    {"self_pay", d.self_pay_yen}});
  }
  o["diseases"] = std::move(diseases);
  if (q.lost) o["lost"] = q.lost->ToIso();
  if (q.loss_reason) o["loss_reason"] = LossReasonCode(*q.loss_reason);
  if (q.linked_on) o["linked_on"] = q.linked_on->ToIso();
  return o;
}

json::object DocumentJson(const store::DocumentRecord& d) {
  json::object o{{"document_id", d.document_id},
                 {"member_id", d.member_id},
                 {"kind", store::DocumentKindName(d.kind)},
                 {"label", DocumentKindLabel(d.kind)},
                 {"rule", d.reason},
                 {"issued_on", d.issued_on.ToIso()}};
  if (d.valid_until) o["valid_until"] = d.valid_until->ToIso();
  if (d.form) o["form"] = CertificateFormName(*d.form);
  if (d.subject_document_id) o["subject_document_id"] = *d.subject_document_id;
  if (d.printed_on) o["printed_on"] = d.printed_on->ToIso();
  if (d.returned_on) o["returned_on"] = d.returned_on->ToIso();
  return o;
}

json::object DueJson(const intermediate::DueDocument& d) {
  json::object o{
      {"member",
       json::object{
           {"symbol", d.symbol}, {"number", d.number}, {"branch", d.branch}, {"name", d.name}}},
      {"kind", store::DocumentKindName(d.kind)},
      {"label", DocumentKindLabel(d.kind)},
      {"rule", d.rule},
      {"recorded", d.document_id != 0}};
  if (d.document_id) o["document_id"] = d.document_id;
  if (d.form) o["form"] = CertificateFormName(*d.form);
  if (d.due) o["due"] = d.due->ToIso();
  if (d.valid_until) o["valid_until"] = d.valid_until->ToIso();
  if (d.subject_document_id) o["subject_document_id"] = *d.subject_document_id;
  return o;
}

// A JSON object body, or nullopt if the body is neither empty nor an object.
std::optional<json::object> JsonBody(const std::string& body) {
  if (body.empty()) return json::object{};
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

// A string member of a JSON object ("" when absent); nullopt if not a string.
std::optional<std::string> JsonText(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// Query parameters, percent-decoded (Boost.URL).
class Query {
 public:
  explicit Query(const std::string& target) {
    auto u = boost::urls::parse_origin_form(target);
    if (!u) {
      ok_ = false;
      return;
    }
    url_ = *u;
  }
  bool ok() const { return ok_; }
  std::optional<std::string> Get(std::string_view key) const {
    if (!ok_) return std::nullopt;
    const boost::urls::url_view view(url_);
    auto params = view.params();
    auto it = params.find(key);
    if (it == params.end()) return std::nullopt;
    return std::string((*it).value);
  }

 private:
  bool ok_ = true;
  boost::urls::url url_;
};

// The insurer's routes; the value names the action the handler takes.
const Router<std::string>& Routes() {
  static const Router<std::string> kRoutes = [] {
    Router<std::string> r;
    r.Add("POST", "/insurer/v1/submissions", "submit")
        .Add("GET", "/insurer/v1/submissions", "list")
        .Add("GET", "/insurer/v1/submissions/{id}", "one")
        .Add("GET", "/insurer/v1/members", "member")
        .Add("GET", "/insurer/errors", "errors")
        .Add("GET", "/insurer/errors.csv", "errors.csv")
        .Add("POST", "/insurer/upload", "upload")
        // documents (R-DOC-*, R-OLD-4, R-CARD-4); literals before {file}
        .Add("GET", "/insurer/v1/documents/due", "documents.due")
        .Add("POST", "/insurer/v1/documents/issue", "documents.issue")
        .Add("GET", "/insurer/v1/documents/register.csv", "documents.register")
        .Add("GET", "/insurer/v1/documents/print/{file}", "documents.print")
        .Add("POST", "/insurer/v1/documents/applications", "documents.apply")
        .Add("GET", "/insurer/v1/documents/{file}", "documents.pdf")
        .Add("POST", "/insurer/v1/documents/{id:int}/returned", "documents.returned")
        // issue 18: 特定健診 results and monthly claim totals
        .Add("POST", "/insurer/v1/checkups", "checkups")
        .Add("POST", "/insurer/v1/claims", "claims");
    return r;
  }();
  return kRoutes;
}

}  // namespace

InsurerService::InsurerService(StorePool& stores, const auth::FacilityCa& ca, const Clock& clock,
                               AuditWriter& audit)
    : stores_(stores), ca_(ca), clock_(clock), audit_(audit) {}

std::vector<std::pair<std::string, std::string>> InsurerService::RouteList() {
  return Routes().table().List();
}

bool InsurerService::Owns(std::string_view path) {
  return path.substr(0, kPrefix.size()) == kPrefix;
}

http::Response InsurerService::Handle(const http::Request& request) {
  const std::time_t now = clock_.Now();
  const Date today = JstDate(now);
  const auto route = Routes().Find(request.method, request.target);
  if (!route.value) return NotRouted(route.match, request.method);
  const std::string& route_name = *route.value;
  const Query query(request.target);
  if (!query.ok()) return Problem(400, "bad request target", "cannot parse " + request.target);

  // Who is asking: only an insurer certificate from our CA.
  // A browser (Accept: text/html) gets the reason as a Japanese page.
  const bool page = WantsHtml(request);
  constexpr std::string_view kHow =
      "保険者の証明書は運用担当者が onshi insurer add --out DIR で発行します（DIR の cert.pem と "
      "key.pem をブラウザに登録します）。";
  if (request.peer_certificate_der.empty()) {
    if (page) return CertificatePage(401, "保険者", kHow, "");
    return Problem(401, "client certificate required",
                   "the insurer API needs the insurer's client certificate (onshi insurer add "
                   "--out DIR)");
  }
  const PeerCertificate cert = ReadPeerCertificate(request);
  if (!cert) {
    if (page) return CertificatePage(401, "保険者", kHow, "");
    return Problem(401, "client certificate cannot be read", "");
  }
  auto identity = ca_.VerifyInsurer(cert.get(), nullptr, now);
  if (!identity.ok()) {
    if (page) return CertificatePage(403, "保険者", kHow, identity.error().ToString());
    return Problem(403, "not an insurer", identity.error().ToString());
  }
  const std::string insurer(identity->number.digits());
  const std::string actor = "insurer:" + insurer;
  store::Store& store = stores_.ForThisThread();
  const auto record = store.GetInsurer(insurer);
  if (!record) return Problem(403, "insurer not registered", "insurer " + insurer + " is unknown");
  auto audit = [&](const std::string& action, int64_t person_id, std::string detail) {
    audit_.Append({0, UtcIsoTime(now), actor, action, person_id, std::move(detail), "", ""});
  };

  if (route_name == "submit") {
    const std::string ctype = Lower(request.Header("Content-Type"));
    intake::Format format;
    if (ctype.rfind("text/csv", 0) == 0) {
      format = intake::Format::kCsv;
    } else if (ctype.rfind("application/x-ndjson", 0) == 0 ||
               ctype.rfind("application/jsonl", 0) == 0 ||
               ctype.rfind("application/x-jsonlines", 0) == 0) {
      format = intake::Format::kJsonLines;
    } else {
      return Problem(415, "unsupported media type",
                     "send text/csv (charset=utf-8 or shift_jis) or application/x-ndjson");
    }
    intake::Encoding encoding = intake::Encoding::kAuto;
    if (ctype.find("charset=shift_jis") != std::string::npos ||
        ctype.find("charset=windows-31j") != std::string::npos ||
        ctype.find("charset=cp932") != std::string::npos) {
      encoding = intake::Encoding::kShiftJis;
    } else if (ctype.find("charset=utf-8") != std::string::npos) {
      encoding = intake::Encoding::kUtf8;
    }
    auto reader = intake::SubmissionReader::FromString(request.body, format, encoding);
    if (!reader.ok()) return Problem(400, "unreadable file", reader.error().ToString());
    intermediate::ImportOptions o;
    o.insurer_number = insurer;
    o.received_on = today;
    o.at = UtcIsoTime(now);
    o.actor = actor;
    const intermediate::ImportReport r = intermediate::ImportSubmissions(store, *reader, o);
    audit("insurer.submit", 0,
          "records=" + std::to_string(r.records) + " queued=" + std::to_string(r.queued) +
              " rejected=" + std::to_string(r.rejected) +
              " registration_errors=" + std::to_string(r.registration_errors));
    json::array unknown;
    for (const std::string& c : r.unknown_columns)
      unknown.emplace_back(c);
    json::value stopped = nullptr;
    if (r.stopped_at_line > 0) {
      // The database stopped taking writes mid-file: the lines before are
      // stored; the insurer re-sends the same file later.
      stopped = json::object{
          {"line", r.stopped_at_line},
          {"reason", r.stop_reason},
          {"detail",
           "every line before this one is stored, nothing from it on; send the same file "
           "again later: lines already received are skipped"}};
    }
    return Json(r.stopped_at_line > 0 ? 503 : 200,
                json::object{{"stopped", std::move(stopped)},
                             {"records", r.records},
                             {"queued", r.queued},
                             {"already_received", r.already_received},
                             {"rejected", r.rejected},
                             {"conflicts", r.conflicts},
                             {"registration_errors", r.registration_errors},
                             {"documents_issued", r.documents_issued},
                             {"errors", Errors(r.errors)},
                             {"registration_problems", Errors(r.registration_problems)},
                             {"unknown_columns", std::move(unknown)}});
  }

  if (route_name == "list") {
    store::SubmissionFilter f;
    f.insurer_number = insurer;
    if (auto s = query.Get("state")) {
      auto state = ParseLinkageStateName(*s);
      if (!state)
        return Problem(400, "bad state",
                       "state must be submitted, processing, linked or registration_error");
      f.state = *state;
    }
    // Whole numbers only: "12abc" is refused, not read as 12.
    const auto after = ParseWholeInt(query.Get("after").value_or("0"), 0, INT64_MAX);
    const auto limit = ParseWholeInt(query.Get("limit").value_or("100"), 1, 1000);
    if (!after || !limit) {
      return Problem(400, "bad paging", "after must be a whole number, limit 1..1000");
    }
    f.after_seq = *after;
    f.limit = static_cast<int>(*limit);
    json::array items;
    int64_t last = f.after_seq;
    for (const store::SubmissionRecord& r : store.ListSubmissions(f)) {
      items.push_back(SubmissionJson(r, today));
      last = r.seq;
    }
    audit("insurer.submissions.list", 0, "count=" + std::to_string(items.size()));
    json::object out{{"items", std::move(items)}};
    if (static_cast<int>(out["items"].as_array().size()) == f.limit) out["next_after"] = last;
    return Json(200, out);
  }

  if (route_name == "one") {
    const std::string& id = route.match.params.Text("id");
    auto r = store.GetSubmission(insurer, id);
    if (!r)
      return Problem(404, "no such submission", "insurer " + insurer + " has no submission " + id);
    audit("insurer.submissions.read", r->person_id, "submission=" + id);
    return Json(200, SubmissionJson(*r, today));
  }

  if (route_name == "member") {
    const auto number = query.Get("number");
    const auto branch = query.Get("branch");
    if (!number || !branch) return Problem(400, "missing keys", "give symbol, number and branch");
    auto id = store.FindMemberId(insurer, query.Get("symbol").value_or(""), *number, *branch);
    if (!id)
      return Problem(404, "no such member",
                     "no member of insurer " + insurer + " under these keys");
    auto q = store.GetQualification(*id);
    audit("insurer.members.read", q->person_id, "member=" + std::to_string(*id));
    return Json(200, MemberJson(*q, today));
  }

  if (route_name == "errors" || route_name == "errors.csv") {
    store::SubmissionFilter f;
    f.insurer_number = insurer;
    const std::string state = query.Get("state").value_or("registration_error");
    if (state != "all") {
      auto s = ParseLinkageStateName(state);
      if (!s)
        return Problem(400, "bad state",
                       "state must be all, submitted, processing, linked or registration_error");
      f.state = *s;
    }
    // The page shows 50 rows by default, the CSV every row; both take the
    // same page and per_page (0 = all), so the page's CSV link gives exactly
    // the rows it shows.
    const bool html = route_name == "errors";
    const auto page_no = ParseWholeInt(query.Get("page").value_or("1"), 1, INT32_MAX);
    const auto per_page =
        ParseWholeInt(query.Get("per_page").value_or(html ? "50" : "0"), 0, 10000);
    if (!page_no || !per_page) {
      return Problem(400, "bad paging", "page must be 1 or more, per_page 0..10000 (0 = all)");
    }
    const intermediate::ReportWindow window{*page_no, static_cast<int>(*per_page)};
    audit("insurer.report", 0,
          "state=" + state + " page=" + std::to_string(window.page) +
              " per_page=" + std::to_string(window.per_page));
    if (html) {
      return StaffHtml(200, intermediate::SubmissionsHtml(store, f, today, record->name, window));
    }
    // Shift_JIS is written by oqs::Utf8ToCp932, which always writes CP932
    // (NEC and IBM extensions such as 髙, ①): labelled Windows-31J, its IANA
    // name, so that a reader does not decode it as JIS X 0208 Shift_JIS.
    const std::string charset = Lower(query.Get("charset").value_or("utf-8"));
    const bool sjis = charset == "shift_jis" || charset == "windows-31j" || charset == "cp932";
    if (!sjis && charset != "utf-8") {
      return Problem(400, "bad charset",
                     "charset must be utf-8 or shift_jis (sent as Windows-31J)");
    }
    http::Response r{200,
                     sjis ? "text/csv;charset=Windows-31J" : "text/csv;charset=utf-8",
                     {},
                     intermediate::SubmissionsCsv(store, f, today, sjis, window)};
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"submissions-" + insurer + ".csv\"");
    return r;
  }

  if (route_name == "upload") {
    // The page's form: one file as multipart/form-data, imported as POST
    // /insurer/v1/submissions would, the result shown as a page.
    if (!SameOrigin(request)) {
      return StaffHtml(403, intermediate::UnreadableUploadHtml(
                                record->name, "この画面以外から送られたファイルは受け付けません"));
    }
    const auto parts = ParseMultipartForm(request.Header("Content-Type"), request.body);
    const FormPart* file = nullptr;
    std::string format_choice = "auto";
    if (parts) {
      for (const FormPart& p : *parts) {
        if (p.name == "file") file = &p;
        if (p.name == "format") format_choice = p.body;
      }
    }
    if (!file || file->filename.empty()) {
      return StaffHtml(400, intermediate::UnreadableUploadHtml(
                                record->name, "送信された内容にファイルがありません"));
    }
    intake::Format format = intake::Format::kCsv;
    const std::string name = Lower(file->filename);
    if (format_choice == "jsonl" ||
        (format_choice == "auto" &&
         (name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json")))) {
      format = intake::Format::kJsonLines;
    }
    auto reader = intake::SubmissionReader::FromString(file->body, format, intake::Encoding::kAuto);
    if (!reader.ok()) {
      audit("insurer.upload.unreadable", 0, reader.error().ToString());
      return StaffHtml(400,
                       intermediate::UnreadableUploadHtml(record->name, reader.error().ToString()));
    }
    intermediate::ImportOptions o;
    o.insurer_number = insurer;
    o.received_on = today;
    o.at = UtcIsoTime(now);
    o.actor = actor;
    const intermediate::ImportReport r = intermediate::ImportSubmissions(store, *reader, o);
    audit("insurer.upload", 0,
          "records=" + std::to_string(r.records) + " queued=" + std::to_string(r.queued) +
              " rejected=" + std::to_string(r.rejected) +
              " registration_errors=" + std::to_string(r.registration_errors));
    return StaffHtml(r.stopped_at_line > 0 ? 503 : 200,
                     intermediate::ImportResultHtml(r, record->name, file->filename));
  }
  // --- documents (R-DOC-*, R-OLD-4, R-CARD-4) --------------------------------
  if (route_name == "documents.due") {
    Date on = today;
    if (auto a = query.Get("as_of")) {
      auto d = Date::ParseIso(*a);
      if (!d) return Problem(400, "bad as_of", "as_of must be YYYY-MM-DD");
      on = *d;  // a preview of another day records nothing
    }
    json::array items;
    int64_t electronic = 0;
    for (const intermediate::DueDocument& d : intermediate::DocumentsDue(store, *record, on)) {
      electronic += d.form == CertificateForm::kElectronic ? 1 : 0;
      items.push_back(DueJson(d));
    }
    audit("insurer.documents.due", 0,
          "as_of=" + on.ToIso() + " count=" + std::to_string(items.size()));
    const auto count = static_cast<int64_t>(items.size());
    return Json(200, json::object{{"as_of", on.ToIso()},
                                  {"to_post", count - electronic},
                                  {"to_send_electronically", electronic},
                                  {"items", std::move(items)}});
  }

  if (route_name == "documents.issue") {
    const auto body = JsonBody(request.body);
    if (!body)
      return Problem(400, "bad body", "send a JSON object, e.g. {\"as_of\": \"YYYY-MM-DD\"}");
    const auto as_of = JsonText(*body, "as_of");
    if (!as_of) return Problem(400, "bad as_of", "as_of must be a string YYYY-MM-DD");
    if (!as_of->empty() && as_of != today.ToIso()) {
      // Issuing is dated: only today's run may be recorded (GET …/due previews other days).
      return Problem(422, "as_of is not today",
                     "documents are issued on the day of the run (" + today.ToIso() + ")");
    }
    const intermediate::IssueReport r = intermediate::RecordAndMarkIssued(store, *record, today);
    json::array issued;
    for (const store::DocumentRecord& d : r.issued)
      issued.push_back(DocumentJson(d));
    audit("insurer.documents.issue", 0,
          "recorded=" + std::to_string(r.sweep.recorded) +
              " issued=" + std::to_string(r.issued.size()));
    json::object out{
        {"as_of", today.ToIso()}, {"recorded", r.sweep.recorded}, {"issued", std::move(issued)}};
    if (!r.issued.empty())
      out["print_file"] = "/insurer/v1/documents/print/" + today.ToIso() + ".pdf";
    return Json(200, out);
  }

  if (route_name == "documents.register") {
    audit("insurer.documents.register", 0, "");
    http::Response r{200, "text/csv;charset=utf-8", {}, intermediate::RegisterCsv(store, *record)};
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"register-" + insurer + ".csv\"");
    return r;
  }

  if (route_name == "documents.print") {
    const std::string& file = route.match.params.Text("file");
    const std::string day_text =
        file.ends_with(".pdf") ? file.substr(0, file.size() - 4) : std::string();
    const auto day = Date::ParseIso(day_text);
    if (!day)
      return Problem(400, "bad day",
                     "the print file is /insurer/v1/documents/print/YYYY-MM-DD.pdf");
    std::string pdf = intermediate::PrintFileOf(store, *record, *day);
    audit("insurer.documents.print", 0, "day=" + day->ToIso());
    if (pdf.empty())
      return Problem(404, "nothing printed", "no document was printed on " + day->ToIso());
    return {200, "application/pdf", {}, std::move(pdf)};
  }

  if (route_name == "documents.apply") {
    const auto body = JsonBody(request.body);
    if (!body) return Problem(400, "bad body", "send a JSON object");
    intermediate::DocumentApplication a;
    const auto symbol = JsonText(*body, "symbol"), number = JsonText(*body, "number"),
               branch = JsonText(*body, "branch"), kind = JsonText(*body, "kind"),
               form = JsonText(*body, "form"), email = JsonText(*body, "email");
    if (!symbol || !number || !branch || !kind || !form || !email || number->empty() ||
        branch->empty()) {
      return Problem(400, "bad application",
                     "give symbol, number, branch and kind as strings (form and email for a form)");
    }
    const auto k = intermediate::ParseApplicationKind(*kind);
    if (!k) {
      return Problem(400, "bad kind",
                     "kind must be certificate, card_lost, notice_lost, legacy_card_lost or form");
    }
    a.symbol = *symbol;
    a.number = *number;
    a.branch = *branch;
    a.kind = *k;
    if (!form->empty()) {
      a.form = ParseCertificateFormName(*form);
      if (!a.form)
        return Problem(400, "bad form", "form must be postcard, electronic, a4 or plastic_card");
    }
    a.email = *email;
    a.on = today;
    const auto id = intermediate::ApplyForDocument(store, *record, a);
    if (!id.ok()) return Problem(422, "application refused", id.error().ToString());
    audit("insurer.documents.apply", 0,
          "application=" + std::to_string(*id) +
              " kind=" + std::string(store::ApplicationKindName(a.kind)));
    return Json(201, json::object{{"application_id", *id},
                                  {"kind", store::ApplicationKindName(a.kind)},
                                  {"applied_on", today.ToIso()}});
  }

  if (route_name == "documents.pdf") {
    // {id}.pdf: the id is a whole positive number, nothing else before ".pdf".
    const std::string& file = route.match.params.Text("file");
    const auto id =
        file.ends_with(".pdf")
            ? ParseWholeInt(std::string_view(file).substr(0, file.size() - 4), 1, INT64_MAX)
            : std::nullopt;
    if (!id)
      return Problem(404, "no such document", "documents are /insurer/v1/documents/{id}.pdf");
    auto d = store.GetDocument(*id);
    auto q = d ? store.GetQualification(d->member_id) : std::nullopt;
    if (!d || !q || q->insurer_number != insurer || d->kind == DocumentKind::kLegacyCard) {
      return Problem(404, "no such document",
                     "insurer " + insurer + " has no printable document " + std::to_string(*id));
    }
    audit("insurer.documents.read", q->person_id, "document=" + std::to_string(*id));
    return {200, "application/pdf", {}, intermediate::DocumentPdf(store, *record, *d)};
  }

  if (route_name == "documents.returned") {
    const int64_t id = route.match.params.Int("id");
    const auto body = JsonBody(request.body);
    const auto on_text = body ? JsonText(*body, "returned_on") : std::nullopt;
    if (!on_text)
      return Problem(400, "bad body", "send {\"returned_on\": \"YYYY-MM-DD\"} or nothing");
    Date on = today;
    if (!on_text->empty()) {
      auto d = Date::ParseIso(*on_text);
      if (!d || *d > today)
        return Problem(400, "bad returned_on", "returned_on must be YYYY-MM-DD, not after today");
      on = *d;
    }
    const auto d = intermediate::RecordReturn(store, *record, id, on);
    if (!d.ok()) return Problem(422, "return refused", d.error().ToString());
    audit("insurer.documents.returned", 0, "document=" + std::to_string(id));
    return Json(200, DocumentJson(*d));
  }
  if (route_name == "checkups" || route_name == "claims") {
    // All or nothing: a batch with any bad record stores none of it, so the
    // insurer can send the corrected batch again without duplicates.
    const auto body = JsonBody(request.body);
    if (!body) return Problem(400, "bad body", "send a JSON object {\"records\": [...]}");
    std::vector<RecordError> errors;
    const bool checkups = route_name == "checkups";
    const auto rows = checkups ? ReadCheckups(store, *body, insurer, today, errors)
                               : std::vector<store::CheckupRecord>{};
    const auto claims = checkups ? std::vector<store::ClaimTotalRecord>{}
                                 : ReadClaims(store, *body, insurer, today, errors);
    if (!errors.empty()) {
      audit("insurer." + route_name + ".refused", 0, "errors=" + std::to_string(errors.size()));
      return {422,
              "application/problem+json",
              {},
              RecordErrorsProblem(errors, "誤りのある記録があるため、何も登録していません。")};
    }
    try {
      store.InTransaction([&] {
        for (const store::CheckupRecord& r : rows)
          store.Clinical().AddCheckup(r);
        for (const store::ClaimTotalRecord& r : claims)
          store.Clinical().AddClaimTotal(r);
      });
    } catch (const store::StoreUnavailable&) {
      throw;
    } catch (const store::StoreError& e) {
      // A claim month filed before (the store's unique key).
      audit("insurer." + route_name + ".refused", 0, e.what());
      return Problem(409, "already filed", e.what());
    }
    std::set<int64_t> persons;
    for (const auto& r : rows)
      persons.insert(r.person_id);
    for (const auto& r : claims)
      persons.insert(r.person_id);
    for (int64_t p : persons) {
      audit("insurer." + route_name + ".submit", p,
            "records=" + std::to_string(rows.size() + claims.size()));
    }
    return Json(201, json::object{{"stored", rows.size() + claims.size()}});
  }
  return Problem(500, "unrouted action", route_name);  // every route's action is handled above
}

}  // namespace onshi::service
