using System.Globalization;
using MeshClaw.Core.Budgets;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Events;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Budgets;

/// <summary>
/// Tells the user about budgets through the outbox (the dashboard's notifications, Slack when connected): a run stopped by
/// its budget, once per run, and a day or month budget past its warning share (<c>budgets.warnAt</c>), once per budget
/// and period. It looks after every run that ends, so no run and no procedure has to remember to warn.
/// </summary>
public sealed class BudgetNotices(IEventStream events, IOutbox outbox, ISpendMeter spend, ConfigSource config, AgentCatalogSource agents, TimeProvider time,
    ILogger<BudgetNotices> logger) : BackgroundService
{
    public const string StoppedKind = "budget.stopped";
    public const string WarningKind = "budget.warning";
    private EventSubscription? _subscription;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = _subscription!;
        try
        {
            await foreach (var item in subscription.ReadAllAsync(stoppingToken))
            {
                if (item is not RunEnded ended)
                {
                    continue;
                }

                try
                {
                    await NoticeAsync(ended.Run, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next run that ends looks again; a stop is on the run's own record whatever happens here.
                    logger.LogWarning(ex, "could not queue a budget notice");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // MeshClaw is stopping.
        }
    }

    private async Task NoticeAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (run.Status == RunStatus.BudgetStopped)
        {
            await outbox.EnqueueAsync($"{StoppedKind}:{run.Id.Value}", StoppedKind,
                $"Budget stop: run {run.Id.Value} of {run.Agent} was stopped: {run.StatusReason ?? "its budget ran out"}", now, cancellationToken);
        }

        foreach (var row in await BudgetStanding.ReadAsync(spend, config.Current().Config.Budgets, agents, cancellationToken))
        {
            if (row.Share < row.WarnAt)
            {
                continue;
            }

            var period = row.Limit.EndsWith("month", StringComparison.Ordinal) ? now.ToString("yyyy-MM", CultureInfo.InvariantCulture) : now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await outbox.EnqueueAsync($"{WarningKind}:{row.Who}:{row.Limit}:{period}", WarningKind, string.Create(CultureInfo.InvariantCulture,
                $"Budget warning: {row.Who} used {row.Share:P0} of {row.Limit} ({row.Used:0.######} of {row.Of:0.######}); runs stop at the limit"), now, cancellationToken);
        }
    }
}
