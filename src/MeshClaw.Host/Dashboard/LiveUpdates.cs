using MeshClaw.Host.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// Live approvals and runs: the signed-in dashboard listens to MeshClaw's event stream (<c>/events</c>, behind the
/// cookie scheme), so a held call shows up without a reload (the home and approvals pages refresh themselves; any other
/// page shows a notice linking to the approvals), a run appears in the runs table as it starts and changes as it
/// ends, and pausing or resuming MeshClaw shows as a notice on every open page. One small script served by the gateway itself (the CSP allows scripts and
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
        // MeshClaw dashboard: approvals and runs appear as they happen, from the gateway's event stream.
        // Text from events is always set as text, never as markup.
        (() => {
          const refreshing = ['/', '/approvals'];
          const notice = (id, text, href, label) => {
            let bar = document.getElementById(id);
            if (!bar) {
              bar = document.createElement('p');
              bar.id = id;
              bar.className = 'notice';
              const main = document.querySelector('main');
              main.insertBefore(bar, main.firstChild);
            }
            bar.textContent = text + ' ';
            const link = document.createElement('a');
            link.href = href;
            link.textContent = label;
            bar.appendChild(link);
          };
          const changed = (event, words) => {
            if (refreshing.includes(location.pathname)) {
              location.reload();
              return;
            }
            const approval = JSON.parse(event.data);
            // Its run now waits for an answer (run.ended replaces the row again when it is over).
            const waiting = Array.from(document.querySelectorAll('#runs tr[data-run]')).find((r) => r.dataset.run === approval.runId);
            if (waiting && approval.status === 'pending') {
              const status = waiting.querySelector('td:nth-child(4) span');
              status.className = 'warn';
              status.textContent = 'waiting-approval';
            }
            notice('live-approvals', `Agent ${approval.agent} ${words} ${approval.tool} (${approval.reason}).`, '/approvals', 'Open approvals');
          };
          const pause = (event) => {
            const change = JSON.parse(event.data);
            notice('live-pause', `MeshClaw was ${change.paused ? 'paused: nothing autonomous runs' : 'resumed'} (by ${change.by}).`, '/agents', 'Agents and the kill switch');
          };

          // Runs: a row per run in the #runs table, put in at the top when it starts and replaced when it ends,
          // formatted as the server formats it (Format.cs), and only where the page's filter would show it.
          const filter = new URLSearchParams(location.search);
          const wanted = (run) => (!filter.get('agent') || filter.get('agent') === run.agent)
            && (!filter.get('status') || filter.get('status').toLowerCase() === run.status.replaceAll('-', ''));
          const cell = (text, className) => {
            const td = document.createElement('td');
            td.textContent = text;
            if (className) td.className = className;
            return td;
          };
          const statusClass = (status) => status === 'succeeded' ? 'ok' : (status === 'failed' || status === 'budget-stopped') ? 'bad' : 'warn';
          const when = (iso) => new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
          const cut = (text, length) => text.length > length ? text.slice(0, length) + '…' : text;
          const showRun = (event) => {
            const table = document.getElementById('runs');
            const run = JSON.parse(event.data);
            if (!table || !wanted(run)) return;
            const row = document.createElement('tr');
            row.dataset.run = run.id;
            const link = document.createElement('a');
            link.href = '/runs/' + encodeURIComponent(run.id);
            link.textContent = run.id;
            const first = document.createElement('td');
            first.appendChild(link);
            const status = document.createElement('span');
            status.className = statusClass(run.status);
            status.textContent = run.status;
            const statusCell = document.createElement('td');
            statusCell.appendChild(status);
            row.append(first, cell(run.agent), cell(run.trigger), statusCell, cell(when(run.startedAt)),
              cell(run.usage.totalTokens.toLocaleString('en-US'), 'num'), cell(String(Number(run.usage.cost.toFixed(4)))), cell(cut(run.input, 60), 'input'));
            const existing = Array.from(table.querySelectorAll('tr[data-run]')).find((r) => r.dataset.run === run.id);
            if (existing) {
              existing.replaceWith(row);
            } else {
              table.querySelector('tr').after(row);
              table.querySelectorAll('tr.empty').forEach((r) => r.remove());
            }
          };

          const events = new EventSource('/events');
          events.addEventListener('approval.requested', (e) => changed(e, 'asks to use'));
          events.addEventListener('approval.answered', (e) => changed(e, 'got an answer for'));
          events.addEventListener('run.started', showRun);
          events.addEventListener('run.ended', showRun);
          events.addEventListener('meshclaw.paused', pause);
          events.addEventListener('meshclaw.resumed', pause);
          document.documentElement.dataset.live = 'listening';
          events.addEventListener('open', () => { document.documentElement.dataset.live = 'open'; });
        })();
        """;
}
