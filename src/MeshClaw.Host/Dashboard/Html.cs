using System.Globalization;
using System.Net;
using System.Text;
using MeshClaw.Host.Access;

namespace MeshClaw.Host.Dashboard;

/// <summary>Server-rendered HTML, encoded at every insertion: the page shows mail subjects and model output, which are untrusted.</summary>
public static class Html
{
    public static string E(object? value) => WebUtility.HtmlEncode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");

    public static string Page(string title, string body, DashboardSession? session, string? notice = null) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · MeshClaw</title>
        <style>
          body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1c2430;background:#f6f7f9}
          header{background:#1c2430;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
          header a{color:#cfe3ff;text-decoration:none} header strong{margin-right:1rem}
          main{padding:1rem 1.4rem;max-width:1200px}
          table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1.2rem}
          th,td{border-bottom:1px solid #e3e6ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
          th{background:#eef1f5;font-weight:600} .num{text-align:right;font-variant-numeric:tabular-nums}
          .card{background:#fff;border:1px solid #e3e6ea;border-radius:6px;padding:.8rem 1rem;margin:.5rem 0}
          .warn{color:#8a5a00}.bad{color:#a11}.ok{color:#176c2c} .notice{background:#fff6d6;padding:.5rem 1rem;border-radius:6px}
          form.inline{display:inline} button{cursor:pointer} pre{white-space:pre-wrap;background:#f0f2f5;padding:.5rem;border-radius:4px}
          .kpis{display:flex;gap:1rem;flex-wrap:wrap}.kpis .card{min-width:11rem}
        </style></head><body>
        <header><strong>MeshClaw</strong>{{(session is null ? "" : """
          <a href="/">Home</a><a href="/runs">Runs</a><a href="/approvals">Approvals</a><a href="/usage">Usage &amp; value</a><a href="/waste">Waste</a><a href="/agents">Agents</a>
          """ + Form("/logout", session, "Sign out"))}}</header>
        <main>{{(notice is null ? "" : $"<p class=\"notice\">{E(notice)}</p>")}}<h1>{{E(title)}}</h1>
        {{body}}
        </main></body></html>
        """;

    /// <summary>A POST form with the session's CSRF token and optional hidden fields.</summary>
    public static string Form(string action, DashboardSession session, string button, params (string Name, string Value)[] fields)
    {
        var text = new StringBuilder($"<form class=\"inline\" method=\"post\" action=\"{E(action)}\"><input type=\"hidden\" name=\"{AccessServices.CsrfField}\" value=\"{E(session.Csrf)}\">");
        foreach (var (name, value) in fields)
        {
            text.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");
        }

        return text.Append(CultureInfo.InvariantCulture, $"<button type=\"submit\">{E(button)}</button></form>").ToString();
    }

    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? id = null)
    {
        var text = new StringBuilder(id is null ? "<table>" : $"<table id=\"{E(id)}\">").Append("<tr>");
        foreach (var header in headers)
        {
            text.Append("<th>").Append(E(header)).Append("</th>");
        }

        text.Append("</tr>");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            text.Append("<tr>");
            foreach (var cell in row)
            {
                text.Append("<td>").Append(cell).Append("</td>");
            }

            text.Append("</tr>");
        }

        if (!any)
        {
            text.Append(CultureInfo.InvariantCulture, $"<tr><td colspan=\"{headers.Count}\">nothing yet</td></tr>");
        }

        return text.Append("</table>").ToString();
    }

    public static string Money(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A bar chart as inline SVG: no script, no build step.</summary>
    public static string Bars(IReadOnlyList<(string Label, double Value)> data, string unit)
    {
        if (data.Count == 0)
        {
            return "<p>no data yet</p>";
        }

        const int width = 720, height = 180, pad = 24;
        var max = Math.Max(1, data.Max(d => d.Value));
        var bar = (width - pad) / (double)data.Count;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{E(unit)} by day\" width=\"{width}\" height=\"{height + 30}\" viewBox=\"0 0 {width} {height + 30}\">");
        for (var i = 0; i < data.Count; i++)
        {
            var h = data[i].Value / max * height;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{pad + i * bar + 2:0.#}\" y=\"{height - h:0.#}\" width=\"{Math.Max(1, bar - 4):0.#}\" height=\"{h:0.#}\" fill=\"#3b7dd8\"><title>{E(data[i].Label)}: {data[i].Value:N0} {E(unit)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{pad + i * bar + bar / 2:0.#}\" y=\"{height + 16}\" font-size=\"10\" text-anchor=\"middle\">{E(data[i].Label.Length > 5 ? data[i].Label[5..] : data[i].Label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
