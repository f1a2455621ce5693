using MeshClaw.Core.Modules;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>Agents and connectors: what is configured, grants, schedules, last run; the kill switch.</summary>
public static class AgentsPage
{
    public static void MapAgentsPage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/agents", async Task<IResult> (HttpContext http, AgentCatalogSource agents, IEnumerable<IConnectorStatus> connectors, IRunStore runs, ConfigSource config,
            IPauseSwitch pause, CancellationToken ct) =>
        {
            var catalog = agents.Current();
            var recent = await runs.ListAsync(500, null, ct);
            var settings = config.Current().Config;
            var rows = catalog.Agents.OrderBy(a => a.Name, StringComparer.Ordinal)
                .Select(a => new AgentRow(a, a.Model ?? settings.DefaultModel ?? "(none)", recent.FirstOrDefault(r => r.Agent == a.Name))).ToList();
            return await DashboardPage.RenderAsync(http, Slices.Agents.Create(new AgentsView(DashboardPage.Csrf(http), pause.IsPaused, rows,
                [.. catalog.Errors.Select(e => e.ToString())], [.. connectors.SelectMany(c => c.Rows(settings.Sections))], [.. settings.Models.Values])));
        });

        pages.MapPost("/pause", async Task<IResult> (IPauseSwitch pause, CancellationToken ct) =>
        {
            await pause.PauseAsync("user:dashboard", ct);
            return Results.LocalRedirect("/agents");
        });
        pages.MapPost("/resume", async Task<IResult> (IPauseSwitch pause, CancellationToken ct) =>
        {
            await pause.ResumeAsync("user:dashboard", ct);
            return Results.LocalRedirect("/agents");
        });
    }
}
