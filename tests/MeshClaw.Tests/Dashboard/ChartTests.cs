using System.Globalization;
using System.Xml.Linq;
using MeshClaw.Host.Dashboard;

namespace MeshClaw.Tests.Dashboard;

public sealed class ChartTests
{
    private static XElement Svg(IReadOnlyList<(string, double)> data) => XElement.Parse(Chart.Bars(data, "tokens", Format.Compact).Value!);

    private static List<string> Texts(XElement svg, string className) =>
        [.. svg.Elements("text").Where(t => (string?)t.Attribute("class") == className).Select(t => t.Value)];

    [Fact]
    public void Bars_HaveAxesWithRoundTicksAndTitles_AndEachBarsValue()
    {
        var svg = Svg([("2026-12-01", 1200), ("2026-12-02", 300), ("2026-12-03", 0)]);

        Assert.Equal(["0", "500", "1k", "1.5k", "2k"], Texts(svg, "tick"));
        Assert.Equal(["tokens", "day (UTC)"], Texts(svg, "axis-title"));
        Assert.Equal(["1.2k", "300", "0"], Texts(svg, "value"));
        Assert.Equal(["12-01", "12-02", "12-03"], Texts(svg, "label"));
        var heights = svg.Elements("rect").Select(r => double.Parse((string)r.Attribute("height")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4 * heights[1], heights[0], 0.2);
        Assert.Equal(0, heights[2]);
    }

    [Fact]
    public void ManyBars_LabelEveryFewDays_EndingWithTheLast_AndEveryBarKeepsItsValueAsATitle()
    {
        var data = Enumerable.Range(0, 60).Select(i => ($"2026-10-{i:00}", (double)i)).ToList();
        var svg = Svg(data);

        var labels = Texts(svg, "label");
        Assert.InRange(labels.Count, 10, 30);
        Assert.Equal("10-59", labels[^1]);
        Assert.Equal(60, svg.Elements("rect").Count(r => r.Element("title") is not null));
    }

    [Fact]
    public void Labels_AreEncoded()
    {
        var html = Chart.Bars([("<script>x</script>", 5)], "tokens", Format.Compact).Value!;

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.003, 0.005)]
    [InlineData(1, 1)]
    [InlineData(1200, 2000)]
    [InlineData(2400, 2500)]
    [InlineData(7000, 10000)]
    public void NiceCeiling_IsTheNextRoundFigure(double max, double expected) => Assert.Equal(expected, Chart.NiceCeiling(max), 9);
}
