using MeshClaw.Host.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// Live approvals: the signed-in dashboard listens to MeshClaw's event stream (<c>/events</c>, behind the cookie
/// scheme), so a held call shows up without a reload. The home and approvals pages refresh themselves; any other page
/// shows a notice linking to the approvals. One small script served by the gateway itself (the CSP allows scripts and
/// connections to 'self' only); text from events is set as text, never as markup.
/// </summary>
public static class LiveUpdates
{
    public const string ScriptPath = "/dashboard.js";

    public static void MapLiveUpdates(this RouteGroupBuilder pages)
    {
        pages.MapEventEndpoints();
        pages.MapGet(ScriptPath, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Text(Script, "text/javascript; charset=utf-8");
        });
    }

    private const string Script = """
        // MeshClaw dashboard: approvals appear as they are asked for, from the gateway's event stream.
        (() => {
          const refreshing = ['/', '/approvals'];
          const notice = (text) => {
            let bar = document.getElementById('live-approvals');
            if (!bar) {
              bar = document.createElement('p');
              bar.id = 'live-approvals';
              bar.className = 'notice';
              const main = document.querySelector('main');
              main.insertBefore(bar, main.firstChild);
            }
            bar.textContent = text + ' ';
            const link = document.createElement('a');
            link.href = '/approvals';
            link.textContent = 'Open approvals';
            bar.appendChild(link);
          };
          const changed = (event, words) => {
            if (refreshing.includes(location.pathname)) {
              location.reload();
              return;
            }
            const approval = JSON.parse(event.data);
            notice(`Agent ${approval.agent} ${words} ${approval.tool} (${approval.reason}).`);
          };
          const events = new EventSource('/events');
          events.addEventListener('approval.requested', (e) => changed(e, 'asks to use'));
          events.addEventListener('approval.answered', (e) => changed(e, 'got an answer for'));
          document.documentElement.dataset.live = 'listening';
          events.addEventListener('open', () => { document.documentElement.dataset.live = 'open'; });
        })();
        """;
}
