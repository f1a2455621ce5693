using System.Collections.Concurrent;

namespace MeshClaw.Tests.Slack;

/// <summary>What became of each envelope, as SlackInbox reports it: a barrier tests wait on instead of sleeping.</summary>
internal sealed class EnvelopeOutcomes
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _outcomes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(string envelope, string outcome)
    {
        _outcomes.GetOrAdd(envelope, _ => new()).Enqueue(outcome);
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    public async Task<string[]> WaitAsync(string envelope, int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (_outcomes.TryGetValue(envelope, out var queue) && queue.Count >= count)
            {
                return [.. queue];
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {count} outcome(s) of envelope {envelope}; seen: {string.Join(", ", _outcomes.Select(o => $"{o.Key}={string.Join("/", o.Value)}"))}");
            }
        }
    }
}
