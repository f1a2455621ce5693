using System.Globalization;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Output;

/// <summary>How a run reads in the terminal: status, answer, tool calls, usage and cost.</summary>
public static class RunPrinter
{
    public static void Summary(RunView run, bool includeAnswer)
    {
        if (includeAnswer && !string.IsNullOrEmpty(run.Answer))
        {
            Terminal.Line(run.Answer);
        }

        foreach (var call in run.ToolCalls ?? [])
        {
            Terminal.Note(ToolLine(call));
        }

        var reason = run.Reason is null ? "" : $": {run.Reason}";
        Terminal.Note($"[{run.Id} {Status(run.Status)}{reason}] {UsageLine(run.Usage)}");
    }

    public static void Detail(RunView run)
    {
        Terminal.Line($"run {run.Id}  agent {run.Agent}  trigger {run.Trigger}  status {Status(run.Status)}");
        if (run.Reason is not null)
        {
            Terminal.Line($"reason: {run.Reason}");
        }

        Terminal.Line($"started {run.StartedAt:u}{(run.EndedAt is { } e ? $", ended {e:u} ({(e - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)" : "")}");
        Terminal.Line(UsageLine(run.Usage));
        Terminal.Line("");
        var calls = (run.ToolCalls ?? []).ToDictionary(c => c.Seq);
        var entries = (run.Transcript ?? []).Select(t => (t.Seq, Text: $"{t.Role}: {t.Content}"))
            .Concat(calls.Values.Select(c => (c.Seq, Text: ToolLine(c) + "\n    → " + Shorten(c.Result, 400))))
            .OrderBy(x => x.Seq);
        foreach (var (_, text) in entries)
        {
            Terminal.Line(text);
        }
    }

    public static string ToolLine(ToolCallView call) =>
        $"tool {call.Tool}({Shorten(call.Arguments, 200)}) {call.Outcome.ToString().ToLowerInvariant()} in {call.DurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms";

    public static string UsageLine(UsageView u) =>
        string.Create(CultureInfo.InvariantCulture, $"{u.ModelCalls} model call(s), {u.InputTokens} in / {u.OutputTokens} out tokens ({u.CachedTokens} cached), cost {u.Cost:0.######}");

    public static string Status(RunStatus status) => RunStatusWords.Of(status);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
