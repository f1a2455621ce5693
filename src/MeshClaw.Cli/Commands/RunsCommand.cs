using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw runs list|show ID</c>.</summary>
public static class RunsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("runs", "List and inspect runs");
        var limit = new Option<int>("--limit") { Description = "How many runs", DefaultValueFactory = _ => 20 };
        var agent = new Option<string?>("--agent") { Description = "Only this agent's runs" };
        var list = new Command("list", "Recent runs, newest first") { limit, agent };
        list.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var query = $"api/runs?limit={parse.GetValue(limit).ToString(CultureInfo.InvariantCulture)}"
                + (parse.GetValue(agent) is { } a ? "&agent=" + Uri.EscapeDataString(a) : "");
            var runs = await client.GetAsync<List<RunView>>(query, ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(runs);
                return 0;
            }

            Terminal.Table(["id", "agent", "trigger", "status", "started", "tokens", "cost", "input"],
                runs.Select(r => (IReadOnlyList<string>)
                [
                    r.Id, r.Agent, r.Trigger, RunPrinter.Status(r.Status), r.StartedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    r.Usage.TotalTokens.ToString(CultureInfo.InvariantCulture), r.Usage.Cost.ToString("0.######", CultureInfo.InvariantCulture),
                    r.Input.Length > 40 ? r.Input[..40] + "…" : r.Input,
                ]));
            return 0;
        }));

        var id = new Argument<string>("id") { Description = "Run id" }.Checked("run");
        var show = new Command("show", "One run: trigger, transcript, tool calls with arguments and results, status, usage") { id };
        show.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var run = await client.GetAsync<RunView>($"api/runs/{Uri.EscapeDataString(parse.GetValue(id)!)}", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(run);
            }
            else
            {
                RunPrinter.Detail(run);
            }

            return 0;
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        return command;
    }
}
