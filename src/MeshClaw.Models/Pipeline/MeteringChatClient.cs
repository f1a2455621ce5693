using MeshClaw.Core.Security;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using MeshClaw.Core.Usage;
using MeshClaw.Models.Config;
using Microsoft.Extensions.AI;

namespace MeshClaw.Models.Pipeline;

/// <summary>
/// Writes one usage-ledger row per model call (failed calls included), attributed to the agent, run and
/// trigger of the current <see cref="ModelCallAttribution"/>. Fills in a local estimate when the provider
/// reports no usage, and attaches the call's cost to the response for the loop's budget.
/// </summary>
public sealed class MeteringChatClient(IChatClient inner, ModelDefinition model, IUsageLedger ledger, PriceTable prices, TimeProvider time, ISecretRedactor? redactor = null)
    : DelegatingChatClient(inner)
{
    private string Provider => model.Kind == ModelKind.Anthropic ? "anthropic" : "openai-compatible";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var started = Stopwatch.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(history, options, cancellationToken);
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(started, ex);
            throw;
        }

        response.Usage = await RecordAsync(started, response.ModelId, response.Usage, history, response.Messages);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var started = Stopwatch.GetTimestamp();
        var received = new List<ChatResponseUpdate>();
        await using var updates = base.GetStreamingResponseAsync(history, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync())
                {
                    break;
                }
            }
            catch (Exception ex)
            {
                await RecordFailureAsync(started, ex);
                throw;
            }

            var update = updates.Current;
            received.Add(update);
            if (!update.Contents.OfType<UsageContent>().Any())
            {
                yield return update;
                continue;
            }

            // The provider's usage is held back and replaced by one metered total at the end; anything else in
            // the same update (Anthropic sends text beside usage) passes on at once.
            var rest = update.Contents.Where(c => c is not UsageContent).ToList();
            if (rest.Count > 0)
            {
                yield return new ChatResponseUpdate(update.Role, rest)
                {
                    ResponseId = update.ResponseId,
                    MessageId = update.MessageId,
                    ModelId = update.ModelId,
                    FinishReason = update.FinishReason,
                    CreatedAt = update.CreatedAt,
                };
            }
        }

        var combined = received.ToChatResponse();
        var usage = await RecordAsync(started, combined.ModelId, combined.Usage, history, combined.Messages);
        yield return new ChatResponseUpdate { ModelId = combined.ModelId, Contents = [new UsageContent(usage)] };
    }

    private async Task<UsageDetails> RecordAsync(long started, string? modelId, UsageDetails? reported, IList<ChatMessage> request, IList<ChatMessage> answer)
    {
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        // No usage, or all zeros (some servers send an empty usage object): no real call has zero input tokens.
        var estimated = reported is null || ((reported.InputTokenCount ?? 0) == 0 && (reported.OutputTokenCount ?? 0) == 0);
        var usage = estimated
            ? new UsageDetails { InputTokenCount = Estimate(request), OutputTokenCount = Estimate(answer) }
            : new UsageDetails
            {
                InputTokenCount = reported!.InputTokenCount ?? 0,
                OutputTokenCount = reported.OutputTokenCount ?? 0,
                CachedInputTokenCount = reported.CachedInputTokenCount,
                ReasoningTokenCount = reported.ReasoningTokenCount,
                AdditionalCounts = reported.AdditionalCounts is null ? null : new(reported.AdditionalCounts),
            };
        usage.TotalTokenCount = usage.InputTokenCount + usage.OutputTokenCount;
        var id = string.IsNullOrEmpty(modelId) ? model.ModelId : modelId;
        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        var cached = usage.CachedInputTokenCount ?? 0;
        var cost = prices.Cost(id, input, cached, output);
        UsageCost.Attach(usage, cost);
        var attribution = ModelCallAttribution.Current;
        await ledger.RecordAsync(new UsageRecord
        {
            At = time.GetUtcNow(),
            Provider = Provider,
            ModelName = model.Name,
            ModelId = id,
            InputTokens = input,
            OutputTokens = output,
            CachedTokens = cached,
            ReasoningTokens = usage.ReasoningTokenCount ?? 0,
            Estimated = estimated,
            Cost = cost,
            LatencyMs = latency,
            Agent = attribution?.Agent,
            RunId = attribution?.RunId,
            Trigger = attribution?.Trigger,
        }, CancellationToken.None);
        return usage;
    }

    private Task RecordFailureAsync(long started, Exception ex)
    {
        var attribution = ModelCallAttribution.Current;
        return ledger.RecordAsync(new UsageRecord
        {
            At = time.GetUtcNow(),
            Provider = Provider,
            ModelName = model.Name,
            ModelId = model.ModelId,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Agent = attribution?.Agent,
            RunId = attribution?.RunId,
            Trigger = attribution?.Trigger,
            // A provider's error can quote what it was sent: secrets are redacted before the ledger keeps it.
            Error = ex switch
            {
                TimeoutException => UsageOutcome.TimeoutPrefix + (redactor ?? NoRedaction.Instance).Redact(ex.Message),
                OperationCanceledException => UsageOutcome.Cancelled,
                _ => (redactor ?? NoRedaction.Instance).Redact(ex.Message),
            },
        }, CancellationToken.None);
    }

    private static long Estimate(IEnumerable<ChatMessage> messages) => TokenEstimator.Estimate(messages);
}
