using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace MeshClaw.Host.Dashboard;

/// <summary>A bar chart as inline SVG: no script, no build step. Its labels are encoded here; the markup is trusted.</summary>
public static class Chart
{
    public static HtmlString Bars(IReadOnlyList<(string Label, double Value)> data, string unit)
    {
        if (data.Count == 0)
        {
            return new HtmlString("<p>no data yet</p>");
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

        return new HtmlString(svg.Append("</svg>").ToString());
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
