using System.Runtime.CompilerServices;
using MeshClaw.Core.Usage;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Budgets;

/// <summary>
/// The budget as a model-pipeline layer, outermost for each run: checks the run's budget before every call, charges
/// what the call used (the metered figures, cost included) to the run and its parents, and stops the run at once when
/// that call reached a limit, so nothing the over-budget answer asked for is done. A call whose input alone (estimated
/// at about four characters a token) would not fit in what is left of the budget is refused before it is sent.
/// </summary>
public sealed class BudgetChatClient(IChatClient inner, RunBudget budget) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await budget.EnsureWithinAsync(cancellationToken);
        await budget.EnsureRoomForAsync(TokenEstimator.Estimate(messages), cancellationToken);
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        budget.Charge(response.Usage);
        await budget.EnsureWithinAsync(cancellationToken);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await budget.EnsureWithinAsync(cancellationToken);
        await budget.EnsureRoomForAsync(TokenEstimator.Estimate(messages), cancellationToken);
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            foreach (var content in update.Contents.OfType<UsageContent>())
            {
                usage ??= new UsageDetails();
                usage.Add(content.Details);
            }

            yield return update;
        }

        budget.Charge(usage);
        await budget.EnsureWithinAsync(cancellationToken);
    }
}
