using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw dream</c>: dream now (mine triage decisions into proposed rules); <c>dream show [DATE]</c>: the dream journal.</summary>
public static class DreamCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("dream", "Dream now: turn repeated triage decisions into proposed rules (no model, no tokens); see them with: meshclaw rules list");
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var run = await client.PostAsync<RunView>("api/dream", new { }, ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(run);
            }
            else
            {
                Terminal.Line(run.Answer ?? run.Reason ?? run.Status.ToString());
                Terminal.Note($"run {run.Id}");
            }

            return run.Status == RunStatus.Succeeded ? 0 : 1;
        }));
        command.Subcommands.Add(Show(globals));
        return command;
    }

    private static Command Show(GlobalOptions globals)
    {
        var date = new Argument<string?>("date") { Description = "The day (2026-12-06, in your time zone); the latest dream's day when left out", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("show", "The dream journal: what a day's dreams proposed and retired, with the evidence") { date };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var day = parse.GetValue(date);
            var journal = await client.GetAsync<DreamJournalView>(day is null ? "api/dream" : $"api/dream?date={Uri.EscapeDataString(day)}", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(journal);
                return 0;
            }

            if (journal.Date is null)
            {
                Terminal.Line("no dream has proposed or retired anything yet; dream now with: meshclaw dream");
                return 0;
            }

            Terminal.Line($"dream journal of {journal.Date}" + (journal.Lines.Count == 0 ? ": nothing proposed or retired" : ""));
            foreach (var line in journal.Lines)
            {
                Terminal.Line($"  {line.At.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture)} {line.Kind} rule #{line.Rule} {line.Text}");
                Terminal.Line($"        {line.Evidence}");
            }

            return 0;
        }));
        return command;
    }
}
