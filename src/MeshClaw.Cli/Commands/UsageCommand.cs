using System.CommandLine;
using System.Globalization;
using System.Text;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw usage [--since] [--by] [--json|--csv]</c>: model usage from the ledger, the same figures the API gives.</summary>
public static class UsageCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var since = new Option<string?>("--since") { Description = "From when: 7d, 24h, or a date (default: today, UTC)" };
        var by = new Option<string>("--by") { Description = "Group by agent, model, day, trigger or agent-model", DefaultValueFactory = _ => "agent-model" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV" };
        var command = new Command("usage", "Tokens and cost by agent, model, day or trigger") { since, by, csv };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            string query;
            try
            {
                query = $"api/usage?by={Uri.EscapeDataString(parse.GetValue(by)!)}" + (parse.GetValue(since) is { } s ? "&since=" + Uri.EscapeDataString(Since(s).ToString("o", CultureInfo.InvariantCulture)) : "");
            }
            catch (FormatException ex)
            {
                Terminal.Error(ex.Message);
                return CommandGuard.Usage;
            }

            using var client = globals.ClientOf(parse);
            var report = await client.GetAsync<UsageReport>(query, ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(report);
                return 0;
            }

            var c = CultureInfo.InvariantCulture;
            if (parse.GetValue(csv))
            {
                var text = new StringBuilder("group,agent,model,calls,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost,estimated_calls,failed_calls\n");
                foreach (var t in report.ByAgentAndModel)
                {
                    text.Append(c, $"{Csv(t.Key)},{Csv(t.Agent)},{Csv(t.Model)},{t.Calls},{t.InputTokens},{t.OutputTokens},{t.CachedTokens},{t.ReasoningTokens},{t.Cost},{t.EstimatedCalls},{t.FailedCalls}\n");
                }

                Console.Write(text);
                return 0;
            }

            Terminal.Table([parse.GetValue(by)!, "calls", "input", "output", "cached", "reasoning", "cost", "avg latency"],
                report.ByAgentAndModel.Select(t => (IReadOnlyList<string>)
                [
                    t.Key, t.Calls.ToString(c) + (t.FailedCalls > 0 ? $" ({t.FailedCalls} failed)" : ""),
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

    /// <summary>"7d", "24h", "30m" back from now, or an ISO date.</summary>
    public static DateTimeOffset Since(string text)
    {
        if (Core.Agents.IntervalParser.TryParse(text) is { } span)
        {
            return DateTimeOffset.UtcNow - span;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new FormatException($"--since '{text}' is neither a span like 7d or 24h nor a date like 2026-11-01");
    }

    private static string Csv(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal)
        ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
