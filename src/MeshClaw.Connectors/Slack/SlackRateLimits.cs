namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Slack's published rate tiers, kept by MeshClaw before Slack has to say 429: each method has a bucket that refills at
/// its tier's pace (Tier 1: 1 a minute, Tier 2: 20, Tier 3: 50, Tier 4: 100; chat.postMessage: 1 a second per
/// conversation), and a 429's Retry-After holds every call of that method until it has passed. Shared by every client
/// of a workspace; on the wall clock, because that is the clock Slack counts with.
/// </summary>
public sealed class SlackRateLimits(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _heldUntil = new(StringComparer.Ordinal);

    /// <summary>Calls a minute and the burst a method's tier allows.</summary>
    public static (double PerMinute, double Burst) TierOf(string method) => method switch
    {
        "chat.postMessage" => (60, 1),
        "apps.connections.open" => (1, 3),
        "reactions.remove" => (20, 20),
        "chat.update" or "chat.delete" or "reactions.add" or "conversations.history" or "conversations.replies" or "conversations.open" => (50, 50),
        _ => (100, 100),
    };

    /// <summary>Waits until a call of <paramref name="method"/> (to <paramref name="channel"/>, for posting) is within its tier, then counts it.</summary>
    /// <param name="pace">1 for Slack's own figures; a test against a fake server makes every wait shorter by this factor; 0 waits never.</param>
    public async Task WaitTurnAsync(string method, string? channel, double pace, CancellationToken cancellationToken)
    {
        if (pace <= 0)
        {
            return;
        }

        var key = method == "chat.postMessage" ? $"{method} {channel}" : method;
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = time.GetUtcNow();
                wait = _heldUntil.TryGetValue(method, out var until) && until > now ? until - now : TimeSpan.Zero;
                if (wait == TimeSpan.Zero)
                {
                    var (perMinute, burst) = TierOf(method);
                    if (!_buckets.TryGetValue(key, out var bucket))
                    {
                        bucket = new Bucket(burst, now);
                    }

                    var perSecond = perMinute / 60 / pace;
                    var tokens = Math.Min(burst, bucket.Tokens + (now - bucket.At).TotalSeconds * perSecond);
                    // A hair under one token is one: floating point must not leave a wait of no ticks spinning.
                    if (tokens >= 1 - 1e-9)
                    {
                        _buckets[key] = new Bucket(Math.Max(0, tokens - 1), now);
                        return;
                    }

                    _buckets[key] = new Bucket(tokens, now);
                    wait = TimeSpan.FromSeconds(Math.Max(0.001, (1 - tokens) / perSecond));
                }
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>Slack said 429: no call of <paramref name="method"/> goes out before Retry-After has passed.</summary>
    public void Hold(string method, TimeSpan retryAfter, double pace)
    {
        if (pace <= 0)
        {
            return;
        }

        lock (_lock)
        {
            var until = time.GetUtcNow() + retryAfter * pace;
            if (!_heldUntil.TryGetValue(method, out var held) || held < until)
            {
                _heldUntil[method] = until;
            }
        }
    }

    private readonly record struct Bucket(double Tokens, DateTimeOffset At);
}
