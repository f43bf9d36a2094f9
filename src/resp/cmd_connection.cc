// Connection commands: PING ECHO HELLO AUTH QUIT CLIENT INFO COMMAND (and the MULTI
// family's entries, which the engine itself handles).
#include <sstream>

#include "resp/command_table.h"
#include "resp/engine.h"
#include "version.h"

namespace arbor::resp {
namespace {

Status Ping(CommandContext& ctx, const Args& args) {
  if (args.size() > 2) return WrongArity("PING");
  if (args.size() == 2) {
    ctx.out().Bulk(args[1]);
  } else {
    ctx.out().Simple("PONG");
  }
  return Status::Ok();
}

Status Echo(CommandContext& ctx, const Args& args) {
  ctx.out().Bulk(args[1]);
  return Status::Ok();
}

// Makes `token` the session's principal and selects its `default` database.
Status SignIn(CommandContext& ctx, const std::string& token) {
  ARBOR_ASSIGN_OR_RETURN(catalog::Principal p, ctx.engine().Authenticate(token));
  DatabaseRegistry registry(ctx.txn());
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo db, registry.Find(p, "default"));
  ctx.session().principal = p;
  ctx.session().db = db;
  return Status::Ok();
}

// AUTH <token> or AUTH <username> <token>: the username is ignored (arbor tokens name
// their tenant), so clients that always send one work.
Status Auth(CommandContext& ctx, const Args& args) {
  if (args.size() > 3) return Status::InvalidArgument("syntax error");
  ARBOR_RETURN_IF_ERROR(SignIn(ctx, args.back()));
  ctx.out().Simple("OK");
  return Status::Ok();
}

Status Hello(CommandContext& ctx, const Args& args) {
  int protocol = ctx.session().protocol;
  size_t i = 1;
  if (args.size() > 1) {
    auto v = ParseInteger(args[1]);
    if (!v.ok()) return Status::InvalidArgument("Protocol version is not an integer or out of range");
    if (*v != 2 && *v != 3) {
      return Status::InvalidArgument("unsupported protocol version").WithServiceCode("NOPROTO");
    }
    protocol = static_cast<int>(*v);
    i = 2;
  }
  std::string name = ctx.session().name;
  for (; i < args.size(); ++i) {
    std::string opt = Upper(args[i]);
    if (opt == "AUTH" && i + 2 < args.size()) {
      ARBOR_RETURN_IF_ERROR(SignIn(ctx, args[i + 2]));
      i += 2;
    } else if (opt == "SETNAME" && i + 1 < args.size()) {
      name = args[++i];
    } else {
      return Status::InvalidArgument("Syntax error in HELLO option '" + args[i] + "'");
    }
  }
  if (!ctx.session().principal) {
    return Status::PermissionDenied(
               "HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH "
               "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
               "version at the same time")
        .WithServiceCode("NOAUTH");
  }
  ctx.session().protocol = protocol;
  ctx.session().name = name;
  ctx.out().set_protocol(protocol);
  ReplyWriter& w = ctx.out();
  w.Map(7);
  w.Bulk("server");
  w.Bulk("arbor");
  w.Bulk("version");
  w.Bulk(kVersion);
  w.Bulk("proto");
  w.Integer(protocol);
  w.Bulk("id");
  w.Integer(static_cast<int64_t>(ctx.session().id));
  w.Bulk("mode");
  w.Bulk("standalone");
  w.Bulk("role");
  w.Bulk("master");
  w.Bulk("modules");
  w.Array(0);
  return Status::Ok();
}

Status Quit(CommandContext& ctx, const Args&) {
  ctx.session().close_after_reply = true;
  ctx.out().Simple("OK");
  return Status::Ok();
}

Status Client(CommandContext& ctx, const Args& args) {
  std::string sub = Upper(args[1]);
  Session& s = ctx.session();
  if (sub == "SETNAME" && args.size() == 3) {
    if (args[2].find_first_of(" \n\r") != std::string::npos) {
      return Status::InvalidArgument("Client names cannot contain spaces, newlines or special characters.");
    }
    s.name = args[2];
    ctx.out().Simple("OK");
  } else if (sub == "GETNAME" && args.size() == 2) {
    if (s.name.empty()) {
      ctx.out().Null();
    } else {
      ctx.out().Bulk(s.name);
    }
  } else if (sub == "ID" && args.size() == 2) {
    ctx.out().Integer(static_cast<int64_t>(s.id));
  } else if (sub == "SETINFO" && args.size() == 4) {
    ctx.out().Simple("OK");  // library name and version: accepted, not kept
  } else if ((sub == "INFO" || sub == "LIST") && args.size() == 2) {
    std::string line = "id=" + std::to_string(s.id) + " addr=" + s.address + " name=" + s.name +
                       " db=" + (s.db ? s.db->name : std::string()) + " resp=" + std::to_string(s.protocol) +
                       " multi=" + (s.in_multi ? std::to_string(s.queued.size()) : std::string("-1")) + "\n";
    ctx.out().Bulk(line);
  } else {
    return Status::InvalidArgument("unknown subcommand or wrong number of arguments for 'CLIENT|" + args[1] +
                                   "'");
  }
  return Status::Ok();
}

Status Info(CommandContext& ctx, const Args&) {
  const EngineStats& st = ctx.engine().stats();
  std::ostringstream o;
  o << "# Server\r\nredis_version:7.0.0\r\narbor_version:" << kVersion
    << "\r\nredis_mode:standalone\r\n\r\n# Clients\r\nconnected_clients:" << st.connections_now
    << "\r\n\r\n# Stats\r\ntotal_connections_received:" << st.connections_total
    << "\r\nrejected_connections:" << st.refused_connections << "\r\ntotal_commands_processed:" << st.commands
    << "\r\narbor_batches:" << st.batches << "\r\narbor_commits:" << st.commits
    << "\r\narbor_checkpoints:" << st.checkpoints << "\r\narbor_blob_puts:" << st.blob_puts
    << "\r\narbor_tls_handshake_failures:" << st.tls_handshake_failures << "\r\n";
  if (ctx.session().db) {
    auto n = ctx.keys().Size();
    if (!n.ok()) return n.status();
    o << "\r\n# Keyspace\r\n" << ctx.session().db->name << ":keys=" << *n << "\r\n";
    // The blob index of the database's repository: its live segments stay few because
    // the index folds them (docs/resp.md, "Index segments of a RESP database").
    ARBOR_ASSIGN_OR_RETURN(Repository * repo, ctx.engine().RepositoryFor(*ctx.session().db));
    const BlobIndex& index = repo->index();
    o << "\r\n# Index\r\narbor_index_segments:" << index.SegmentKeys().size()
      << "\r\narbor_index_folds:" << index.folds()
      << "\r\narbor_index_segment_probes:" << index.segment_probes() << "\r\n";
  }
  ctx.out().Bulk(o.str());
  return Status::Ok();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void WriteCommandInfo(ReplyWriter& w, const CommandSpec& spec) {
  w.Array(6);
  w.Bulk(Lower(spec.name));
  w.Integer(spec.arity);
  bool write = (spec.flags & kWrite) != 0;
  w.Set(1);
  w.Simple(write ? "write" : "readonly");
  // First key, last key, step: commands that take keys take them from the first argument.
  bool keyed = (spec.flags & kNoDatabase) == 0 && spec.arity != 1 && spec.arity != -1;
  w.Integer(keyed ? 1 : 0);
  w.Integer(keyed ? 1 : 0);
  w.Integer(keyed ? 1 : 0);
}

Status Command(CommandContext& ctx, const Args& args) {
  const auto& all = CommandTable::Default().all();
  ReplyWriter& w = ctx.out();
  std::string sub = args.size() > 1 ? Upper(args[1]) : "";
  if (sub.empty() || sub == "INFO") {
    std::vector<const CommandSpec*> specs;
    if (args.size() > 2) {
      for (size_t i = 2; i < args.size(); ++i) specs.push_back(CommandTable::Default().Find(Upper(args[i])));
    } else {
      for (const auto& [name, spec] : all) specs.push_back(&spec);
    }
    w.Array(specs.size());
    for (const CommandSpec* spec : specs) {
      if (spec == nullptr) {
        w.NullArray();
      } else {
        WriteCommandInfo(w, *spec);
      }
    }
  } else if (sub == "COUNT") {
    w.Integer(static_cast<int64_t>(all.size()));
  } else if (sub == "LIST") {
    w.Array(all.size());
    for (const auto& [name, spec] : all) w.Bulk(Lower(name));
  } else if (sub == "DOCS") {
    // redis-cli asks for the docs to show argument hints; a summary per command is
    // what it shows.
    std::vector<const CommandSpec*> specs;
    if (args.size() > 2) {
      for (size_t i = 2; i < args.size(); ++i) {
        if (const CommandSpec* s = CommandTable::Default().Find(Upper(args[i]))) specs.push_back(s);
      }
    } else {
      for (const auto& [name, spec] : all) specs.push_back(&spec);
    }
    w.Map(specs.size());
    for (const CommandSpec* spec : specs) {
      w.Bulk(Lower(spec->name));
      w.Map(2);
      w.Bulk("summary");
      w.Bulk(spec->summary);
      w.Bulk("group");
      w.Bulk("arbor");
    }
  } else {
    return Status::InvalidArgument("unknown subcommand '" + args[1] + "'. Try COMMAND HELP.");
  }
  return Status::Ok();
}

Status HandledByEngine(CommandContext&, const Args&) {
  return Status::Internal("MULTI, EXEC and DISCARD are handled by the engine");
}

}  // namespace

void RegisterConnectionCommands(CommandTable& t) {
  t.Add({"PING", -1, kNoDatabase, Ping, "Returns PONG, or the argument"});
  t.Add({"ECHO", 2, kNoDatabase, Echo, "Returns the argument"});
  t.Add({"AUTH", -2, kNoAuth | kNoDatabase | kWrite, Auth, "Authenticates with an arbor API token"});
  t.Add({"HELLO", -1, kNoAuth | kNoDatabase | kWrite, Hello, "Chooses RESP2 or RESP3 (HELLO 3), may AUTH"});
  t.Add({"QUIT", 1, kNoAuth | kNoDatabase, Quit, "Closes the connection"});
  t.Add({"CLIENT", -2, kNoDatabase, Client, "CLIENT SETNAME|GETNAME|ID|INFO|LIST|SETINFO"});
  t.Add({"INFO", -1, kNoDatabase, Info, "Server and keyspace statistics"});
  t.Add({"COMMAND", -1, kNoDatabase, Command, "COMMAND [COUNT|LIST|INFO|DOCS]"});
  t.Add({"MULTI", 1, kNoDatabase, HandledByEngine, "Starts a transaction"});
  t.Add({"EXEC", 1, kNoDatabase, HandledByEngine, "Runs the queued commands atomically"});
  t.Add({"DISCARD", 1, kNoDatabase, HandledByEngine, "Drops the queued commands"});
}

}  // namespace arbor::resp
