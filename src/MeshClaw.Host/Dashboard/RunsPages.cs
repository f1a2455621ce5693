using System.Globalization;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static MeshClaw.Host.Dashboard.Html;

namespace MeshClaw.Host.Dashboard;

/// <summary>The runs timeline with filters, and one run: transcript, tool calls, decisions, usage and outcome.</summary>
public static class RunsPages
{
    public static void MapRunsPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/runs", async (HttpContext http, IRunStore runs, string? agent, string? status, CancellationToken ct) =>
        {
            var list = await runs.ListAsync(200, string.IsNullOrEmpty(agent) ? null : agent, ct);
            if (Enum.TryParse<RunStatus>(status, ignoreCase: true, out var wanted))
            {
                list = [.. list.Where(r => r.Status == wanted)];
            }

            var filter = $"""
                <form method="get" action="/runs" class="card">agent <input name="agent" value="{E(agent)}">
                status <select name="status"><option value="">any</option>{string.Concat(Enum.GetNames<RunStatus>().Select(s => $"<option{(s.Equals(status, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{E(s)}</option>"))}</select>
                <button type="submit">Filter</button></form>
                """;
            return DashboardPage.Render(http, "Runs", filter + Table(list));
        });

        pages.MapGet("/runs/{id}", async (HttpContext http, string id, IRunStore runs, IActionJournal journal, CancellationToken ct) =>
        {
            if (await runs.GetAsync(new RunId(id), ct) is not { } detail)
            {
                return Results.Content(Page("No such run", $"<p>There is no run {E(id)}.</p>", DashboardPage.Session(http)), "text/html; charset=utf-8", statusCode: 404);
            }

            var run = detail.Run;
            var actions = await journal.ForRunAsync(id, ct);
            var body = $"""
                <div class="card" id="run-summary">agent <b>{E(run.Agent)}</b> · trigger {E(run.Trigger)} · status <b id="run-status">{E(Status(run.Status))}</b>{(run.StatusReason is null ? "" : $" — <span id=\"run-reason\">{E(run.StatusReason)}</span>")}<br>
                {Number(run.Usage.TotalTokens)} tokens ({Number(run.Usage.InputTokens)} in, {Number(run.Usage.OutputTokens)} out, {Number(run.Usage.CachedTokens)} cached) · cost {Money(run.Usage.Cost)} · {run.Usage.ModelCalls} model call(s)</div>
                {(run.Answer is null ? "" : $"<h2>Answer</h2><pre id=\"run-answer\">{E(run.Answer)}</pre>")}
                <h2>Transcript</h2>
                {Html.Table(["#", "role", "content"], detail.Transcript.Select(t => (IReadOnlyList<string>)[t.Seq.ToString(CultureInfo.InvariantCulture), E(t.Role), $"<pre>{E(t.Content)}</pre>"]))}
                <h2>Tool calls and decisions</h2>
                {Html.Table(["#", "tool", "arguments", "outcome", "result"], detail.ToolCalls.Select(c => (IReadOnlyList<string>)
                    [c.Seq.ToString(CultureInfo.InvariantCulture), E(c.Tool), $"<pre>{E(c.ArgumentsJson)}</pre>", E(c.Outcome), $"<pre>{E(c.Result.Length > 2000 ? c.Result[..2000] + "…" : c.Result)}</pre>"]))}
                <h2>Changes (journal)</h2>
                {Html.Table(["action", "tool", "target", "status", "undo"], actions.Select(a => (IReadOnlyList<string>)
                    [a.Id.ToString(CultureInfo.InvariantCulture), E(a.Tool), E(a.Target), E(a.Status), a.Inverse is null ? "no" : "yes"]))}
                """;
            return DashboardPage.Render(http, $"Run {id}", body);
        });
    }

    public static string Table(IReadOnlyList<RunRecord> runs) => Html.Table(["run", "agent", "trigger", "status", "started", "tokens", "cost", "input"],
        runs.Select(r => (IReadOnlyList<string>)
        [
            $"<a href=\"/runs/{E(r.Id)}\">{E(r.Id)}</a>", E(r.Agent), E(r.Trigger), $"<span class=\"{(r.Status == RunStatus.Succeeded ? "ok" : r.Status is RunStatus.Failed or RunStatus.BudgetStopped ? "bad" : "warn")}\">{E(Status(r.Status))}</span>",
            E(r.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), $"<span class=\"num\">{Number(r.Usage.TotalTokens)}</span>", Money(r.Usage.Cost),
            E(r.Input.Length > 60 ? r.Input[..60] + "…" : r.Input),
        ]), "runs");

    public static string Status(RunStatus status) => RunStatusWords.Of(status);
}
