using System.Diagnostics;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Budgets;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Budgets;

/// <summary>Budget stops and warnings reach the user through the outbox (the dashboard's notifications, Slack when connected), once each.</summary>
public sealed class BudgetNoticesTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    /// <summary>The notice is queued off the run's path, after RunEnded; waits for it with a deadline.</summary>
    private static async Task<Notification> NotificationAsync(IOutbox outbox, string kind, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if ((await outbox.RecentAsync(20, CancellationToken.None)).FirstOrDefault(n => n.Kind == kind) is { } found)
            {
                return found;
            }

            Assert.True(clock.Elapsed < timeout, $"no {kind} notification was queued within {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task RunStoppedByItsBudget_IsANotification_NamingTheRunAndWhy()
    {
        _models.For("scripted-main").ReplyAlways(ScriptedReply.Text("should never be asked"));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["small"] = "model: main\nbudget:\n  tokens_per_run: 20000" });

        var run = await gateway.RunAsync("small", new string('x', 1_000_000));

        Assert.Equal(RunStatus.BudgetStopped, run.Status);
        var notice = await NotificationAsync(gateway.Get<IOutbox>(), BudgetNotices.StoppedKind, TimeSpan.FromSeconds(20));
        Assert.Equal($"budget.stopped:{run.Id}", notice.Key);
        Assert.Contains("20000 tokens per run", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DayBudgetPastItsWarningShare_IsOneNotification_HoweverManyRunsFollow()
    {
        _models.For("scripted-main").ReplyAlways(ScriptedReply.Text("done", inputTokens: 400, outputTokens: 50));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["daily"] = "model: main\nbudget:\n  tokens_per_day: 1000" });

        await gateway.RunAsync("daily", "first");
        Assert.DoesNotContain(await gateway.Get<IOutbox>().RecentAsync(20, CancellationToken.None), n => n.Kind == BudgetNotices.WarningKind);
        await gateway.RunAsync("daily", "second");
        var notice = await NotificationAsync(gateway.Get<IOutbox>(), BudgetNotices.WarningKind, TimeSpan.FromSeconds(20));
        await gateway.RunAsync("daily", "third");

        Assert.StartsWith("budget.warning:daily:tokens per day:", notice.Key, StringComparison.Ordinal);
        Assert.Contains("daily used 90", notice.Text, StringComparison.Ordinal);
        Assert.Single(await gateway.Get<IOutbox>().RecentAsync(20, CancellationToken.None), n => n.Kind == BudgetNotices.WarningKind);
    }
}
