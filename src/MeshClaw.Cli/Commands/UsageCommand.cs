using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw usage</c>: today's model usage by agent and model, from the ledger.</summary>
public static class UsageCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("usage", "Today's tokens and cost by agent and model");
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var report = await client.GetAsync<UsageReport>("api/usage", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(report);
                return 0;
            }

            var c = CultureInfo.InvariantCulture;
            Terminal.Table(["agent", "model", "calls", "input", "output", "cached", "reasoning", "cost", "avg latency"],
                report.ByAgentAndModel.Select(t => (IReadOnlyList<string>)
                [
                    t.Agent, t.Model, t.Calls.ToString(c) + (t.FailedCalls > 0 ? $" ({t.FailedCalls} failed)" : ""),
                    t.InputTokens.ToString(c) + (t.EstimatedCalls > 0 ? "~" : ""), t.OutputTokens.ToString(c), t.CachedTokens.ToString(c),
                    t.ReasoningTokens.ToString(c), t.Cost.ToString("0.######", c), t.AverageLatencyMs.ToString("0", c) + " ms",
                ]));
            Terminal.Line(string.Create(c, $"total since {report.Since:yyyy-MM-dd HH:mm} UTC: {report.Calls} calls, {report.TotalTokens} tokens, cost {report.TotalCost:0.######}"));
            if (report.ByAgentAndModel.Any(t => t.EstimatedCalls > 0))
            {
                Terminal.Note("~ includes local estimates where the provider reported no usage");
            }

            return 0;
        }));
        return command;
    }
}
