using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw journal</c>: the changes MeshClaw made, with their state and whether they can be undone.</summary>
public static class JournalCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var run = new Option<string?>("--run") { Description = "Only this run's actions" }.Checked("run");
        var command = new Command("journal", "Actions MeshClaw took (newest first), for undo") { run };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var entries = await client.GetAsync<List<JournalEntryView>>("api/journal" + (parse.GetValue(run) is { } r ? "?run=" + Uri.EscapeDataString(r) : ""), ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(entries);
                return 0;
            }

            Terminal.Table(["action", "run", "agent", "tool", "target", "status", "undo", "at"],
                entries.Select(e => (IReadOnlyList<string>)
                [
                    e.Id.ToString(CultureInfo.InvariantCulture), e.RunId, e.Agent, e.Tool, e.Target ?? "", e.Status.ToString().ToLowerInvariant(),
                    e.Undoes is { } u ? $"undoes {u}" : e.Undoable ? "yes" : "no", e.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ]));
            return 0;
        }));
        return command;
    }
}
