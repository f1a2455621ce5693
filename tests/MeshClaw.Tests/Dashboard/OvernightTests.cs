using MeshClaw.Host.Dashboard;

namespace MeshClaw.Tests.Dashboard;

/// <summary>The home page's "overnight" starts at the last 18:00 in the user's time zone.</summary>
public sealed class OvernightTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("2026-12-05T06:00:00Z", "2026-12-04T17:00:00Z")] // 07:00 in Berlin: since yesterday evening
    [InlineData("2026-12-05T16:59:59Z", "2026-12-04T17:00:00Z")] // 17:59:59: still since yesterday evening
    [InlineData("2026-12-05T17:00:00Z", "2026-12-05T17:00:00Z")] // 18:00: this evening starts
    [InlineData("2026-12-05T22:30:00Z", "2026-12-05T17:00:00Z")] // 23:30: since this evening
    [InlineData("2026-03-29T06:00:00Z", "2026-03-28T17:00:00Z")] // the morning clocks went forward: yesterday's 18:00 was still winter time
    [InlineData("2026-10-25T07:00:00Z", "2026-10-24T16:00:00Z")] // the morning clocks went back: yesterday's 18:00 was summer time
    public void Start_IsTheLastSixPmLocal(string now, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            Overnight.Start(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), Berlin));
}
