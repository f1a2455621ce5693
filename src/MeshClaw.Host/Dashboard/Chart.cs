using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// A bar chart as inline SVG: no script, no build step. It reads on its own: a y axis with round ticks and the unit as
/// its title, the day under each bar (every few days when there are many), and each bar's value above it. Its labels
/// are encoded here; the markup is trusted.
/// </summary>
public static class Chart
{
    private const int Width = 720, Height = 240, Left = 64, Right = 10, Top = 20, Bottom = 44;
    private const int PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom, Ticks = 4;

    public static HtmlString Bars(IReadOnlyList<(string Label, double Value)> data, string unit, Func<double, string> format, string across = "day (UTC)")
    {
        if (data.Count == 0)
        {
            return new HtmlString("<p>no data yet</p>");
        }

        var top = NiceCeiling(data.Max(d => d.Value));
        // A few days are a few bars of a readable width, not one bar across the whole chart.
        var bar = Math.Min(PlotWidth / (double)data.Count, 60);
        // Day labels need about 36 px each; values above bars about as much, so both thin out together.
        var every = (int)Math.Ceiling(36 / bar);
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" role=\"img\" aria-label=\"{E(unit)} by {E(across)}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-size=\"11\">");
        for (var i = 0; i <= Ticks; i++)
        {
            var value = top * i / Ticks;
            var y = Top + PlotHeight - PlotHeight * i / (double)Ticks;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"{(i == 0 ? "#1c2430" : "#e3e6ea")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{E(format(value))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\" stroke=\"#1c2430\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" transform=\"rotate(-90)\" x=\"{-(Top + PlotHeight / 2)}\" y=\"12\" text-anchor=\"middle\">{E(unit)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" x=\"{Left + PlotWidth / 2}\" y=\"{Height - 4}\" text-anchor=\"middle\">{E(across)}</text>");
        for (var i = 0; i < data.Count; i++)
        {
            var (label, value) = data[i];
            var h = value / top * PlotHeight;
            var x = Left + i * bar;
            var middle = x + bar / 2;
            var shown = (data.Count - 1 - i) % every == 0;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + 2:0.#}\" y=\"{Top + PlotHeight - h:0.#}\" width=\"{Math.Max(1, bar - 4):0.#}\" height=\"{h:0.#}\" fill=\"#3b7dd8\"><title>{E(label)}: {E(format(value))} {E(unit)}</title></rect>");
            if (shown)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"value\" x=\"{middle:0.#}\" y=\"{Top + PlotHeight - h - 4:0.#}\" text-anchor=\"middle\">{E(format(value))}</text>");
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{middle:0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\">{E(label.Length > 5 ? label[5..] : label)}</text>");
            }
        }

        return new HtmlString(svg.Append("</svg>").ToString());
    }

    /// <summary>The axis top: the first of 1, 2, 2.5, 5 or 10 times a power of ten at or above the largest value.</summary>
    public static double NiceCeiling(double max)
    {
        if (max <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5 })
        {
            if (step * power >= max)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
