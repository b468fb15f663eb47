#include "language_service.hpp"

#include <algorithm>

#include "isolation.hpp"
#include "unit_analysis.hpp"

namespace gocxx::lsp {

namespace {

// params.textDocument.uri, or empty.
std::string document_uri(const nlohmann::json& params) {
  if (!params.is_object() || !params.contains("textDocument")) return "";
  const nlohmann::json& doc = params["textDocument"];
  if (!doc.is_object() || !doc.contains("uri") || !doc["uri"].is_string()) return "";
  return doc["uri"].get<std::string>();
}

// params.textDocument.version: an integer, or nullopt.
std::optional<int64_t> document_version(const nlohmann::json& params) {
  const nlohmann::json& doc = params["textDocument"];
  if (!doc.contains("version") || !doc["version"].is_number_integer()) return std::nullopt;
  return doc["version"].get<int64_t>();
}

}  // namespace

language_service::language_service(service_options options, publish_fn publish, log_fn log)
    : options_(std::move(options)),
      publish_(std::move(publish)),
      log_(std::move(log)),
      analyser_(std::make_unique<unit_analyser>(options_.settings, options_.compile_commands_dir, options_.preambles)),
      scheduler_([this](const std::string& uri) { analyse(uri); },
                 options_.debounce.value_or(analysis_scheduler::default_pause)) {}

language_service::~language_service() = default;

bool language_service::start(std::string& error) { return scheduler_.start(error); }

bool language_service::is_document_notification(const std::string& method) {
  return method == "textDocument/didOpen" || method == "textDocument/didChange" || method == "textDocument/didSave" ||
         method == "textDocument/didClose";
}

bool language_service::on_document_notification(const std::string& method, const nlohmann::json& params,
                                                std::string& error) {
  std::string uri = document_uri(params);
  if (uri.empty()) {
    error = method + ": params.textDocument.uri is missing";
    return false;
  }
  if (method == "textDocument/didOpen") {
    const nlohmann::json& doc = params["textDocument"];
    std::optional<int64_t> version = document_version(params);
    if (!doc.contains("text") || !doc["text"].is_string() || !version) {
      error = method + ": textDocument needs 'text' and an integer 'version'";
      return false;
    }
    if (!documents_.open(uri, doc["text"].get<std::string>(), *version, error)) return false;
    scheduler_.schedule(uri, /*now=*/true);
    return true;
  }
  if (method == "textDocument/didChange") {
    std::optional<int64_t> version = document_version(params);
    if (!version) {
      error = method + ": textDocument needs an integer 'version'";
      return false;
    }
    if (!params.contains("contentChanges")) {
      error = method + ": 'contentChanges' is missing";
      return false;
    }
    if (!documents_.change(uri, *version, params["contentChanges"], client_.encoding, error)) return false;
    scheduler_.schedule(uri, /*now=*/false);
    return true;
  }
  if (method == "textDocument/didSave") {
    // Headers it includes may have been saved too: analyse again now.
    if (!documents_.get(uri)) {
      error = method + " of '" + uri + "', which is not open";
      return false;
    }
    scheduler_.schedule(uri, /*now=*/true);
    return true;
  }
  // didClose: the host clears what was published (LSP: the server owns
  // the diagnostics it published).
  documents_.close(uri);
  scheduler_.cancel(uri);
  {
    std::lock_guard<std::mutex> lock(mu_);
    results_.erase(uri);
  }
  return true;
}

void language_service::analyse(const std::string& uri) {
  std::optional<document> doc = documents_.get(uri);
  if (!doc) return;  // closed meanwhile
  unit_analysis analysis;
  protected_outcome outcome = run_protected([&] { analysis = analyser_->analyse(doc->file, doc->text); });
  if (outcome.kind != protected_outcome::ok) {
    // Nothing the failed analysis touched may be trusted, the analyser's
    // preamble cache included: a new one (the old is leaked, not destroyed).
    static std::vector<unit_analyser*> abandoned;
    abandoned.push_back(analyser_.release());
    analyser_ = std::make_unique<unit_analyser>(options_.settings, options_.compile_commands_dir, options_.preambles);
    analysis = unit_analysis{};
    analysis.problem = outcome.kind == protected_outcome::out_of_stack ? "gocxx ran out of stack while analysing it"
                       : outcome.kind == protected_outcome::fatal_error
                           ? "clang could not analyse it: " + outcome.fatal_message
                           : "gocxx crashed while analysing it (a bug in gocxx: please report it)";
  }

  result r;
  r.generation = doc->generation;
  r.problem = analysis.problem;
  position_texts texts(analysis.document_name.empty() ? doc->file : analysis.document_name, doc->uri, doc->text);
  nlohmann::json diagnostics = nlohmann::json::array();
  for (const finding& f : analysis.findings) {
    nlohmann::json d = make_diagnostic(f, texts, client_);
    r.actions.push_back(f.fixes.empty() ? nlohmann::json() : make_code_action(f, d, texts, client_));
    r.diagnostics.push_back(d);
    diagnostics.push_back(std::move(d));
  }

  // Under mu_, published or dropped: a didClose (which takes mu_ after
  // closing the document) clears what was published before it.
  std::lock_guard<std::mutex> lock(mu_);
  // Stale: the document changed (or closed) while it was analysed.
  if (!documents_.current(uri, doc->generation)) return;
  result& previous = results_[uri];
  if (!analysis.problem.empty() && analysis.problem != previous.problem)
    log_(doc->file + ": no gocxx diagnostics: " + analysis.problem);
  if (!analysis.database_problem.empty() && analysis.database_problem != previous.database_problem)
    log_(doc->file + ": " + analysis.database_problem);
  r.database_problem = analysis.database_problem;
  previous = std::move(r);
  publish_(uri, doc->version, std::move(diagnostics));
}

bool language_service::code_actions(const nlohmann::json& params, nlohmann::json& actions, std::string& error) {
  actions = nlohmann::json::array();
  std::string uri = document_uri(params);
  if (uri.empty() || !params.contains("range") || !is_range(params["range"])) {
    error = "textDocument/codeAction needs params.textDocument.uri and params.range";
    return false;
  }
  // Only quick fixes: none when the client asks for other kinds only.
  nlohmann::json::json_pointer only("/context/only");
  if (params.contains(only) && params[only].is_array() &&
      std::none_of(params[only].begin(), params[only].end(),
                   [](const nlohmann::json& k) { return k == "quickfix" || k == ""; }))
    return true;
  std::optional<document> doc = documents_.get(uri);
  if (!doc) return true;  // not open here: nothing of gocxx's
  const nlohmann::json& range = params["range"];
  std::lock_guard<std::mutex> lock(mu_);
  auto it = results_.find(uri);
  if (it == results_.end() || it->second.generation != doc->generation) return true;
  const result& r = it->second;
  for (size_t i = 0; i < r.diagnostics.size(); ++i)
    if (!r.actions[i].is_null() && ranges_meet(r.diagnostics[i]["range"], range)) actions.push_back(r.actions[i]);
  return true;
}

}  // namespace gocxx::lsp
