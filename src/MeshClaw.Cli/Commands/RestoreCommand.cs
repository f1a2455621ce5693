using System.CommandLine;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Backup;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw restore FILE</c>: the home as a backup had it, with what was there moved aside, never deleted.</summary>
public static class RestoreCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "An archive written by 'meshclaw backup'" };
        var force = new Option<bool>("--force") { Description = "Restore over a home that already holds MeshClaw data (it is moved to before-restore-TIME/ in the home)" };
        var command = new Command("restore",
            "Restore the home from a backup. The gateway must be stopped. Every checksum is verified before anything changes; what the home held is moved "
            + "to before-restore-TIME/ inside it, never deleted, and an interrupted restore is finished by the next restore or 'meshclaw up'. "
            + "Secrets the archive does not hold (made without --with-secrets) stay as they are in this home")
        { file, force };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            var result = await HomeRestore.RestoreAsync(globals.HomeOf(parse), parse.GetValue(file)!, parse.GetValue(force), TimeProvider.System, "user:cli", ct);
            var m = result.Manifest;
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(new { m.CreatedAt, m.SchemaVersion, m.WithSecrets, m.Items, Files = m.Entries.Count, result.Aside, result.AuditProblem });
                return 0;
            }

            Terminal.Line($"restored the backup of {m.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm} ({m.Entries.Count} file(s): {string.Join(", ", m.Items)})");
            if (result.Aside is not null)
            {
                Terminal.Note($"what the home held before is in {result.Aside}");
            }

            if (result.AuditProblem is { } problem)
            {
                Terminal.Warning(m.WithSecrets
                    ? $"the restored audit log does not verify ({problem}); the home it was backed up from already held an altered log"
                    : $"the restored audit log cannot be verified with this home's audit key ({problem}): its records were keyed with the key of the home it came from, "
                        + "which a backup holds only with --with-secrets. Restore a backup made with --with-secrets, or note the restore (audited as home.restored) as where checking starts again");
            }

            if (!m.WithSecrets)
            {
                Terminal.Note("the backup held no secrets: set API keys and passwords again with 'meshclaw secrets set' if this home lacks them");
            }

            return 0;
        }));
        return command;
    }
}
