using MeshClaw.Host.Scheduling;
using Quartz;

namespace MeshClaw.Tests.Scheduling;

/// <summary>Agent files' standard cron becomes Quartz cron, and fires when a user in the agent's time zone expects it, across DST too.</summary>
public sealed class QuartzCronTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("0 6 * * *", "0 0 6 ? * *")]
    [InlineData("30 7 * * 1-5", "0 30 7 ? * MON-FRI")]
    [InlineData("0 6 * * 0", "0 0 6 ? * SUN")]
    [InlineData("*/15 * * * *", "0 0/15 * ? * *")]
    [InlineData("10 0 6 * * *", "10 0 6 ? * *")]
    public void StandardCron_BecomesQuartzCron(string cron, string quartz)
    {
        var converted = QuartzCron.Convert(cron, out var problem);

        Assert.Null(problem);
        // Quartz writes some fields its own way; what matters is that both fire at the same moments.
        var from = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(Next(quartz, from, 5), Next(converted!, from, 5));
    }

    [Theory]
    [InlineData("0 6 * *", "4 fields")]
    [InlineData("0 25 * * *", "not valid cron")]
    [InlineData("x 6 * * *", "not valid cron")]
    public void WrongCron_IsRefusedWithTheReason(string cron, string expected)
    {
        Assert.Null(QuartzCron.Convert(cron, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void DailyRunAt0230_OnTheNightTheClocksSpringForward_RunsAt0300_AndOnceOnTheNightTheyFallBack()
    {
        var cron = new CronExpression(QuartzCron.Convert("30 2 * * *", out _)!, Berlin);

        var spring = cron.GetNextValidTimeAfter(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero))!.Value;
        var autumn = cron.GetNextValidTimeAfter(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero))!.Value;
        var afterAutumn = cron.GetNextValidTimeAfter(autumn)!.Value;

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)), TimeZoneInfo.ConvertTime(spring, Berlin));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)), TimeZoneInfo.ConvertTime(autumn, Berlin));
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 2, 30, 0, TimeSpan.FromHours(1)), TimeZoneInfo.ConvertTime(afterAutumn, Berlin));
    }

    private static List<DateTimeOffset> Next(string quartz, DateTimeOffset from, int count)
    {
        var cron = new CronExpression(quartz, TimeZoneInfo.Utc);
        var times = new List<DateTimeOffset>();
        for (var at = from; times.Count < count;)
        {
            at = cron.GetNextValidTimeAfter(at)!.Value;
            times.Add(at);
        }

        return times;
    }
}
