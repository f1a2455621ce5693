using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Audit;
using MeshClaw.Host.Api;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// <c>meshclaw audit verify|list</c>: read straight from the home folder's store, so they work with the gateway down.
/// Verify prints the head (seq:hash) to note somewhere else; <c>--anchor</c> checks a noted head is still there.
/// </summary>
public static class AuditCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("audit", "The tamper-evident audit log");
        var anchor = new Option<string?>("--anchor") { Description = "A head printed by an earlier verify (seq:hash): the log must still hold that record unchanged" };
        var verify = new Command("verify", "Check the keyed hash chain: finds edited, removed or reordered records and says where") { anchor };
        verify.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            AuditAnchor? noted = null;
            if (parse.GetValue(anchor) is { } text && (noted = AuditAnchor.TryParse(text)) is null)
            {
                Terminal.Error($"'{text}' is not a head as audit verify prints it (seq:hash)");
                return CommandGuard.Usage;
            }

            if (Open(globals, parse) is not { } offline)
            {
                return CommandGuard.Failed;
            }

            await using (offline)
            {
                var result = AuditVerificationView.From(await offline.GetRequiredService<IAuditReader>().VerifyAsync(noted, ct));
                if (parse.GetValue(globals.Json))
                {
                    Terminal.Json(result);
                }
                else if (result.Intact)
                {
                    Terminal.Line($"audit log intact: {result.Records} records, chain verified{(result.KeyedFrom is { } k ? $" (keyed from record {k})" : " (not keyed yet)")}");
                    if (result.Head is { } head)
                    {
                        Terminal.Line($"head: {head}  (note it elsewhere; later: meshclaw audit verify --anchor {head})");
                    }
                }
                else
                {
                    Terminal.Error($"audit log TAMPERED at record {result.BrokenAtSeq}: {result.Problem} ({result.Records} records verified before it)");
                }

                return result.Intact ? 0 : CommandGuard.Failed;
            }
        }));

        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 50, Description = "How many records" };
        var run = new Option<string?>("--run") { Description = "Only records of this run" }.Checked("run");
        var list = new Command("list", "Recent audit records, newest first") { limit, run };
        list.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            if (Open(globals, parse) is not { } offline)
            {
                return CommandGuard.Failed;
            }

            await using (offline)
            {
                var records = (await offline.GetRequiredService<IAuditReader>().RecentAsync(parse.GetValue(limit), parse.GetValue(run), ct)).Select(AuditRecordView.From).ToList();
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

    private static ServiceProvider? Open(GlobalOptions globals, ParseResult parse)
    {
        var home = globals.HomeOf(parse);
        if (!File.Exists(home.Database))
        {
            Terminal.Error($"no database at {home.Database}; start MeshClaw once with: meshclaw up");
            return null;
        }

        if (home.UnwritableReason() is { } unwritable)
        {
            // SQLite in WAL mode cannot even read a database whose folder it cannot write.
            Terminal.Error(unwritable);
            return null;
        }

        return globals.OfflineOf(parse);
    }
}
