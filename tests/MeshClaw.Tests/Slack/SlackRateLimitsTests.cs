using MeshClaw.Connectors.Slack;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Tests.Slack;

/// <summary>Slack's rate tiers kept before Slack has to say 429: one post a second per conversation, Retry-After held per method.</summary>
public sealed class SlackRateLimitsTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-06T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task SecondPostToTheSameConversation_WaitsASecond_WhileAnotherConversationGoesAtOnce()
    {
        var limits = new SlackRateLimits(_time);
        await limits.WaitTurnAsync("chat.postMessage", "D1", 1, CancellationToken.None);

        var second = limits.WaitTurnAsync("chat.postMessage", "D1", 1, CancellationToken.None);
        await limits.WaitTurnAsync("chat.postMessage", "C2", 1, CancellationToken.None);

        Assert.False(second.IsCompleted, "a second post to D1 went out within the same second");
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(second.IsCompleted, "a second post to D1 went out before a second had passed");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Tier3Method_AllowsItsBurstOfFifty_ThenOneEach1200Ms()
    {
        var limits = new SlackRateLimits(_time);
        for (var i = 0; i < 50; i++)
        {
            await limits.WaitTurnAsync("chat.update", null, 1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        var fiftyFirst = limits.WaitTurnAsync("chat.update", null, 1, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        Assert.False(fiftyFirst.IsCompleted, "the 51st chat.update in a minute went out early");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await fiftyFirst.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RetryAfter_HoldsThatMethodOnly()
    {
        var limits = new SlackRateLimits(_time);
        limits.Hold("conversations.history", TimeSpan.FromSeconds(30), 1);

        var held = limits.WaitTurnAsync("conversations.history", null, 1, CancellationToken.None);
        await limits.WaitTurnAsync("reactions.add", null, 1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(held.IsCompleted, "conversations.history was called inside Slack's Retry-After");
        _time.Advance(TimeSpan.FromSeconds(1));
        await held.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
