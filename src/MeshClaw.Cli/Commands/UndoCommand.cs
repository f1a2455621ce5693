using System.CommandLine;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;
using MeshClaw.Host.Journal;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw undo ACTION | --run RUN</c>: revert journaled actions, newest first, and say what could not be undone.</summary>
public static class UndoCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var action = new Argument<long?>("action") { Description = "Journal action id (see meshclaw journal)", Arity = ArgumentArity.ZeroOrOne };
        var run = new Option<string?>("--run") { Description = "Undo every change of this run, newest first" }.Checked("run");
        var command = new Command("undo", "Revert an action, or every action of a run") { action, run };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            if (parse.GetValue(action) is null && parse.GetValue(run) is null)
            {
                Terminal.Error("name an action id or --run RUN");
                return CommandGuard.Usage;
            }

            using var client = globals.ClientOf(parse);
            var report = await client.PostAsync<UndoReport>("api/undo", new UndoBody(parse.GetValue(action), parse.GetValue(run)), ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(report);
            }
            else
            {
                foreach (var item in report.Items)
                {
                    Terminal.Line($"{(item.Undone ? "undone" : "NOT undone")}: action {item.Action} {item.Tool} {item.Target} — {item.Detail}");
                }
            }

            return report.Items.All(i => i.Undone) ? 0 : CommandGuard.Failed;
        }));
        return command;
    }
}
