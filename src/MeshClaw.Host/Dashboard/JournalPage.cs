using MeshClaw.Core.Journal;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>The action journal: the latest changes across runs, each with an undo button while it can still be undone.</summary>
public static class JournalPage
{
    public const string Path = "/journal";
    private const int Shown = 100;

    public static void MapJournalPage(this RouteGroupBuilder pages) =>
        pages.MapGet(Path, Task<IResult> (HttpContext http, IActionJournal journal, CancellationToken ct) => PageAsync(http, journal, null, ct));

    public static async Task<IResult> PageAsync(HttpContext http, IActionJournal journal, UndoResult? undo, CancellationToken ct) =>
        await DashboardPage.RenderAsync(http, Slices.Journal.Create(new JournalView(DashboardPage.Csrf(http), await journal.RecentAsync(Shown, ct), undo)));
}
