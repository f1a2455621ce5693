using MeshClaw.Core.Journal;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Host.Dashboard;

/// <summary>The runs timeline with filters, and one run: transcript, tool calls, decisions, usage and outcome.</summary>
public static class RunsPages
{
    public static void MapRunsPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/runs", async Task<IResult> (HttpContext http, IRunStore runs, string? agent, string? status, CancellationToken ct) =>
        {
            IReadOnlyList<RunRecord> list = await runs.ListAsync(200, string.IsNullOrEmpty(agent) ? null : agent, ct);
            if (Enum.TryParse<RunStatus>(status, ignoreCase: true, out var wanted))
            {
                list = [.. list.Where(r => r.Status == wanted)];
            }

            return await DashboardPage.RenderAsync(http, Slices.Runs.Create(new RunsView(DashboardPage.Csrf(http), list, agent, status)));
        });

        pages.MapGet("/runs/{id}", Task<IResult> (HttpContext http, string id, IRunStore runs, IActionJournal journal, CancellationToken ct) =>
            RunPageAsync(http, id, runs, journal, null, ct));
    }

    /// <summary>One run, with the report of an undo just done on it when there is one.</summary>
    public static async Task<IResult> RunPageAsync(HttpContext http, string id, IRunStore runs, IActionJournal journal, UndoResult? undo, CancellationToken ct) =>
        await runs.GetAsync(new RunId(id), ct) is { } detail
            ? await DashboardPage.RenderAsync(http, Run.Create(new Views.RunView(DashboardPage.Csrf(http), detail, await journal.ForRunAsync(id, ct), undo,
                await http.RequestServices.GetRequiredService<IUsageLedger>().CallsAsync(id, ct))))
            : await DashboardPage.RenderAsync(http, Message.Create(new MessageView("No such run", DashboardPage.Csrf(http), $"There is no run {id}.")), StatusCodes.Status404NotFound);
}
