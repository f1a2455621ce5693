using MeshClaw.Core.Journal;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Access;
using MeshClaw.Host.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// Undo from the dashboard: a whole run (run page), or one journal entry (run page or journal page). Both go through
/// <see cref="UndoService"/>, the entry point the API and `meshclaw undo` use (the executor's undo: journaled and
/// audited, by the signed-in user), and answer with the page the button was on, saying what was undone and what could
/// not be, with why.
/// </summary>
public static class UndoButtons
{
    public static void MapUndoButtons(this RouteGroupBuilder pages)
    {
        pages.MapPost("/runs/{id}/undo", async Task<IResult> (HttpContext http, string id, UndoService undo, IRunStore runs, IActionJournal journal, CancellationToken ct) =>
            await RunsPages.RunPageAsync(http, id, runs, journal, await TryAsync($"Undo of run {id}", () => undo.UndoRunAsync(id, Actor(http), ct)), ct));

        pages.MapPost("/journal/{id:long}/undo", async Task<IResult> (HttpContext http, long id, UndoService undo, IRunStore runs, IActionJournal journal, CancellationToken ct) =>
        {
            if (await journal.GetAsync(id, ct) is not { } entry)
            {
                return await DashboardPage.RenderAsync(http, Slices.Message.Create(new Views.MessageView("No such action", DashboardPage.Csrf(http), $"There is no action {id} in the journal.")),
                    StatusCodes.Status404NotFound);
            }

            var result = await TryAsync($"Undo of action {id}", () => undo.UndoActionAsync(id, Actor(http), ct));
            // Answered on the page the button was on: the journal, or the entry's run.
            return (await http.Request.ReadFormAsync(ct))["back"] == JournalPage.Path
                ? await JournalPage.PageAsync(http, journal, result, ct)
                : await RunsPages.RunPageAsync(http, entry.RunId, runs, journal, result, ct);
        });
    }

    private static string Actor(HttpContext http) => CallerOrigin.Actor(http.User, http.Request.Headers.UserAgent.ToString());

    private static async Task<UndoResult> TryAsync(string what, Func<Task<UndoReport>> undo)
    {
        try
        {
            return new UndoResult(what, await undo(), null);
        }
        catch (KeyNotFoundException ex)
        {
            return new UndoResult(what, null, ex.Message);
        }
    }
}

/// <summary>What an undo asked from the dashboard did: the report, or why there was nothing to undo.</summary>
public sealed record UndoResult(string What, UndoReport? Report, string? Refused);
