using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Models.Pipeline;

/// <summary>
/// Retries transient failures (429, 5xx, truncated replies, connection errors, timeouts) on the same model with exponential
/// backoff, honouring Retry-After. A Retry-After longer than <c>maxWait</c> is not waited out: the failure
/// goes up so the failover layer can move to the next model at once.
/// </summary>
public sealed class RetryChatClient(IChatClient inner, string model, int maxRetries, TimeSpan maxWait, TimeProvider time, ILogger logger)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken);
            }
            catch (Exception ex) when (ShouldRetry(ex, attempt, out var delay, cancellationToken))
            {
                logger.LogWarning("Model {Model} failed ({Error}); retrying in {Delay} ms", model, ex.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool hasFirst;
            TimeSpan delay = default;
            try
            {
                hasFirst = await updates.MoveNextAsync();
            }
            catch (Exception ex) when (ShouldRetry(ex, attempt, out delay, cancellationToken))
            {
                // Only a failure before the first update is retried: after that, text has reached the user.
                logger.LogWarning("Model {Model} failed ({Error}); retrying in {Delay} ms", model, ex.Message, (int)delay.TotalMilliseconds);
                hasFirst = false;
                await Task.Delay(delay, time, cancellationToken);
                continue;
            }

            if (!hasFirst)
            {
                yield break;
            }

            yield return updates.Current;
            while (await updates.MoveNextAsync())
            {
                yield return updates.Current;
            }

            yield break;
        }
    }

    private bool ShouldRetry(Exception ex, int attempt, out TimeSpan delay, CancellationToken cancellationToken)
    {
        delay = default;
        if (cancellationToken.IsCancellationRequested || attempt >= maxRetries || !ModelFailure.IsTransient(ex, out var retryAfter))
        {
            return false;
        }

        delay = retryAfter ?? TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt) * (0.8 + Random.Shared.NextDouble() * 0.4));
        return delay <= maxWait;
    }
}
