using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// The dashboard's one stylesheet, served by the gateway so the CSP can say <c>style-src 'self'</c>: no inline style,
/// so nothing that reaches a page (mail, model output) can style it either. Open like the sign-in page that uses it.
/// </summary>
public static class DashboardStyles
{
    public const string Path = "/dashboard.css";

    public static void MapDashboardStyles(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Text(Css, "text/css; charset=utf-8");
        }).AllowAnonymous();

    private const string Css = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1c2430;background:#f6f7f9}
        header{background:#1c2430;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center}
        header a{color:#cfe3ff;text-decoration:none} header strong{margin-right:1rem}
        main{padding:1rem 1.4rem;max-width:1200px}
        table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1.2rem}
        th,td{border-bottom:1px solid #e3e6ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef1f5;font-weight:600} .num{text-align:right;font-variant-numeric:tabular-nums}
        .card{background:#fff;border:1px solid #e3e6ea;border-radius:6px;padding:.8rem 1rem;margin:.5rem 0}
        .warn{color:#8a5a00}.bad{color:#a11}.ok{color:#176c2c} .notice{background:#fff6d6;padding:.5rem 1rem;border-radius:6px}
        form.inline{display:inline} button{cursor:pointer} pre{white-space:pre-wrap;background:#f0f2f5;padding:.5rem;border-radius:4px}
        .kpis{display:flex;gap:1rem;flex-wrap:wrap}.kpis .card{min-width:11rem}
        /* Long unbroken text (a run's input, a path, JSON) wraps instead of widening the page: cells of free text (class
        text) break anywhere, other cells only when they must, so short columns keep their words. The runs table cuts
        inputs short, and the run page shows them whole. */
        td{overflow-wrap:break-word} td.text,h1,h2,pre,p,li{overflow-wrap:anywhere} input,select,textarea,svg{max-width:100%;box-sizing:border-box} svg{height:auto}
        td.input{max-width:22rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        /* A phone: every table row becomes a wrapped line of its values, so no page scrolls sideways. */
        @media (max-width:700px){
        header{padding:.5rem .8rem} main{padding:.6rem .8rem} .kpis{gap:.5rem} .kpis .card{min-width:0;flex:1 1 9rem;margin:0}
        table,tbody,tr,td{display:block} table tr:first-child:has(th){display:none}
        tr{display:flex;flex-wrap:wrap;gap:0 .8rem;border-bottom:1px solid #e3e6ea;padding:.3rem .5rem}
        td{border:none;padding:.1rem 0;min-width:0;max-width:100%;overflow-wrap:anywhere} td.input{white-space:normal}
        }
        .answer .grant{margin:.3rem 0} tr.total td{font-weight:600}
        #chat-form textarea{display:block;width:100%;box-sizing:border-box;margin:.5rem 0} .turn .you{font-weight:600} .turn .answer{white-space:pre-wrap}
        """;
}
