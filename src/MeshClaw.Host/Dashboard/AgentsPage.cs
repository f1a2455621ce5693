using System.Globalization;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static MeshClaw.Host.Dashboard.Html;
using MeshClaw.Host.Agents;
using MeshClaw.Core.Modules;

namespace MeshClaw.Host.Dashboard;

/// <summary>Agents and connectors: what is configured, grants, schedules, last run; the kill switch.</summary>
public static class AgentsPage
{
    public static void MapAgentsPage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/agents", async (HttpContext http, AgentCatalogSource agents, IEnumerable<IConnectorStatus> connectors, IRunStore runs, ConfigSource config, IPauseSwitch pause, CancellationToken ct) =>
        {
            var session = DashboardPage.Session(http);
            var catalog = agents.Current();
            var recent = await runs.ListAsync(500, null, ct);
            var settings = config.Current().Config;
            var body = $"""
                <div class="card" id="pause-state">MeshClaw is <b>{(pause.IsPaused ? "paused" : "running")}</b>.
                {(pause.IsPaused ? Form("/resume", session, "Resume") : Form("/pause", session, "Pause everything autonomous"))}</div>
                <h2>Agents</h2>
                {Html.Table(["agent", "model", "grants", "triggers", "budget", "last run"], catalog.Agents.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a =>
                {
                    var last = recent.FirstOrDefault(r => r.Agent == a.Name);
                    return (IReadOnlyList<string>)
                    [
                        E(a.Name) + (a.Builtin is null ? "" : $" <small>(built-in {E(a.Builtin)})</small>"), E(a.Model ?? settings.DefaultModel ?? "(none)"),
                        E(string.Join(", ", a.Tools)), E(string.Join(", ", a.Triggers.Select(t => $"{t.Kind.ToString().ToLowerInvariant()} {t.Value}"))),
                        E($"{a.Budget.TokensPerRun?.ToString(CultureInfo.InvariantCulture) ?? "∞"} tokens/run, {a.Budget.TokensPerDay?.ToString(CultureInfo.InvariantCulture) ?? "∞"}/day"),
                        last is null ? "never" : $"<a href=\"/runs/{E(last.Id)}\">{E(last.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}</a> {E(RunsPages.Status(last.Status))}",
                    ];
                }))}
                {(catalog.Errors.Count == 0 ? "" : "<h2>Files that did not load</h2>" + Html.Table(["problem"], catalog.Errors.Select(e => (IReadOnlyList<string>)[E(e.ToString())])))}
                <h2>Connectors</h2>
                {Html.Table(["connector", "account", "details"], connectors.SelectMany(c => c.Rows(settings.Sections)).Select(r => (IReadOnlyList<string>)[E(r.Connector), E(r.Account), E(r.Details)]))}
                <h2>Models</h2>
                {Html.Table(["model", "kind", "id", "fallbacks"], settings.Models.Values.Select(m => (IReadOnlyList<string>)[E(m.Name), E(m.Kind), E(m.ModelId), E(string.Join(", ", m.Fallbacks))]))}
                """;
            return DashboardPage.Render(http, "Agents and connectors", body);
        });

        pages.MapPost("/pause", async (IPauseSwitch pause, CancellationToken ct) =>
        {
            await pause.PauseAsync("user:dashboard", ct);
            return Results.Redirect("/agents");
        });
        pages.MapPost("/resume", async (IPauseSwitch pause, CancellationToken ct) =>
        {
            await pause.ResumeAsync("user:dashboard", ct);
            return Results.Redirect("/agents");
        });
    }
}
