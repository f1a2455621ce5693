using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Security;
using MeshClaw.Storage.Audit;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw audit verify|list</c>: read straight from the database, so it works with the gateway down.</summary>
public static class AuditCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("audit", "The tamper-evident audit log");
        var verify = new Command("verify", "Check the hash chain: finds edited, removed or reordered records and says where");
        verify.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            if (Open(globals, parse) is not { } log)
            {
                return CommandGuard.Failed;
            }

            using (log)
            {
                var result = await log.VerifyAsync(ct);
                if (parse.GetValue(globals.Json))
                {
                    Terminal.Json(result);
                }
                else if (result.Intact)
                {
                    Terminal.Line($"audit log intact: {result.Records} records, chain verified");
                }
                else
                {
                    Terminal.Error($"audit log TAMPERED at record {result.BrokenAtSeq}: {result.Problem} ({result.Records} records verified before it)");
                }

                return result.Intact ? 0 : CommandGuard.Failed;
            }
        }));

        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 50, Description = "How many records" };
        var run = new Option<string?>("--run") { Description = "Only records of this run" };
        var list = new Command("list", "Recent audit records, newest first") { limit, run };
        list.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            if (Open(globals, parse) is not { } log)
            {
                return CommandGuard.Failed;
            }

            using (log)
            {
                var records = await log.RecentAsync(parse.GetValue(limit), parse.GetValue(run), ct);
                if (parse.GetValue(globals.Json))
                {
                    Terminal.Json(records);
                    return 0;
                }

                Terminal.Table(["seq", "at", "kind", "actor", "run", "data"], records.Select(r => (IReadOnlyList<string>)
                [
                    r.Seq.ToString(CultureInfo.InvariantCulture), r.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    r.Kind, r.Actor, r.RunId ?? "", r.Data.Length > 100 ? r.Data[..100] + "…" : r.Data,
                ]));
                return 0;
            }
        }));

        command.Subcommands.Add(verify);
        command.Subcommands.Add(list);
        return command;
    }

    private static SqliteAuditLog? Open(GlobalOptions globals, ParseResult parse)
    {
        var home = globals.HomeOf(parse);
        if (!File.Exists(home.Database))
        {
            Terminal.Error($"no database at {home.Database}; start MeshClaw once with: meshclaw up");
            return null;
        }

        return new SqliteAuditLog(new SqliteDatabase(home.Database), TimeProvider.System, () => NoRedaction.Instance);
    }
}
